#include "migrate/RehearsalObservations.h"

#include <cstdio>

namespace agora::migrate::rehearsal {

std::map<std::string, RelInfo> relfilenodes(db::PgConnection& c, const std::string& schema) {
    auto r =
        c.q("SELECT c.relname, c.relfilenode::text, c.relkind::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'i', 'm')",
            schema);
    std::map<std::string, RelInfo> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = {r.str(i, 1), r.str(i, 2).empty() ? 'r' : r.str(i, 2)[0]};
    return out;
}

std::map<std::string, TupleStats> tupleStats(db::PgConnection& c, const std::string& schema) {
    // Statistics are cached per transaction; ask for fresh ones.
    c.exec("SELECT pg_stat_clear_snapshot()");
    auto r =
        c.q("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables "
            "WHERE schemaname = $1",
            schema);
    std::map<std::string, TupleStats> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = {r.i64(i, 1), r.i64(i, 2), r.i64(i, 3)};
    return out;
}

namespace {

// One number per table (tables, partitioned tables, materialised views) of `schema`. `value` is
// an SQL expression over pg_class c and pg_stat_all_tables s: one of the constants below, never
// input.
std::map<std::string, int64_t> perTable(db::PgConnection& c, const std::string& schema,
                                        const char* value) {
    auto r = c.q(std::string("SELECT c.relname, ") + value +
                     " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid "
                     "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')",
                 schema);
    std::map<std::string, int64_t> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = r.i64(i, 1);
    return out;
}

}  // namespace

std::map<std::string, int64_t> tableSizes(db::PgConnection& c, const std::string& schema) {
    return perTable(c, schema, "pg_total_relation_size(c.oid)");
}

// Live rows per table, from the statistics PostgreSQL keeps as rows are written (no scan).
// What a step's work scales with: bytes would count production's dead tuples, which a freshly
// restored staging copy doesn't have, and over-estimate a busy table by its bloat.
std::map<std::string, int64_t> tableRows(db::PgConnection& c, const std::string& schema) {
    return perTable(c, schema, "greatest(coalesce(s.n_live_tup, 0), c.reltuples::bigint, 0)");
}

int64_t msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

std::string human(int64_t ms) {
    char buf[32];
    if (ms < 1000)
        std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
    else if (ms < 120'000)
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    else if (ms < 7'200'000)
        std::snprintf(buf, sizeof buf, "%.1f min", static_cast<double>(ms) / 60'000.0);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", static_cast<double>(ms) / 3'600'000.0);
    return buf;
}

std::string bytes(int64_t b) {
    char buf[32];
    if (b < 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(b) / 1024.0);
    else if (b < 1024LL * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1024.0 * 1024.0));
    else
        std::snprintf(buf, sizeof buf, "%.2f GB",
                      static_cast<double>(b) / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

std::string pad(std::string s, size_t w) {
    if (s.size() > w)
        s = s.substr(0, w - 1) + "~";
    s.resize(w, ' ');
    return s;
}

}  // namespace agora::migrate::rehearsal
