#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "db/PgConnection.h"

// What a rehearsal reads from the catalog and the statistics around each step, and how its
// report prints sizes and durations. Internal to the rehearsal (Rehearsal*.cpp).
namespace agora::migrate::rehearsal {

using Clock = std::chrono::steady_clock;

struct RelInfo {
    std::string node;
    char kind = 'r';
};

struct TupleStats {
    int64_t ins = 0, upd = 0, del = 0;
};

// What was observed around one step.
struct StepObs {
    int64_t start_ms = 0, end_ms = 0;
    std::map<std::string, RelInfo> nodes_before, nodes_after;
    std::map<std::string, TupleStats> stats_before, stats_after;
};

// Production's and staging's tables, to scale a step's time by.
struct Sizes {
    std::map<std::string, int64_t> prod_bytes, staging_bytes, prod_rows, staging_rows;
};

// relfilenode and kind per relation: a changed node means the relation was rewritten.
std::map<std::string, RelInfo> relfilenodes(db::PgConnection& c, const std::string& schema);
// Rows inserted/updated/deleted so far per table (fresh statistics).
std::map<std::string, TupleStats> tupleStats(db::PgConnection& c, const std::string& schema);
std::map<std::string, int64_t> tableSizes(db::PgConnection& c, const std::string& schema);
// Live rows per table, from the statistics PostgreSQL keeps as rows are written (no scan).
std::map<std::string, int64_t> tableRows(db::PgConnection& c, const std::string& schema);

int64_t msSince(Clock::time_point t);
std::string human(int64_t ms);
std::string bytes(int64_t b);
std::string pad(std::string s, size_t w);

}  // namespace agora::migrate::rehearsal
