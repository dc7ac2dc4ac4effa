#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "migrate/ShadowRewrite.h"

// The phases of one ShadowRewrite::run (ShadowRewrite.h explains the algorithm) over the state
// they share. Internal to the shadow rewrite: ShadowCopy.cpp (shadow, capture, copy, replay),
// ShadowVerify.cpp (range checksums), ShadowSwap.cpp (the swap under the lock).
namespace agora::migrate::shadow {

using Clock = std::chrono::steady_clock;

int64_t msSince(Clock::time_point t);
std::string join(const std::vector<std::string>& parts, const std::string& sep);
std::vector<std::string> keyParams(const db::PgResult& r, int row, size_t n);
db::Params toParams(const std::vector<std::string>& a, const std::vector<std::string>& b = {});
// lock_timeout fired, or chosen as a deadlock victim: nothing is left behind once the
// transaction rolls back, so trying again later is safe.
bool retryable(const db::PgError& e);
// The pause before attempt `attempt + 1` of a lock that was not granted.
void backoff(int attempt);

struct Column {
    std::string name;  // quoted
    std::string type;  // the shadow's type (format_type)
    bool always_identity = false;
};

// The SQL the engine needs, built once from the table's primary key and columns.
struct Plan {
    std::string orig, shadow, capture, dirty, keys;
    std::vector<Column> pk;    // primary key columns, shadow types
    std::vector<Column> cols;  // columns both tables have and the shadow accepts on insert

    std::string pkList(const std::string& alias = "") const {
        std::vector<std::string> p;
        for (const auto& c : pk)
            p.push_back((alias.empty() ? "" : alias + ".") + c.name);
        return join(p, ", ");
    }
    std::string pkRow(const std::string& alias) const { return "(" + pkList(alias) + ")"; }
    std::string pkEq(const std::string& a, const std::string& b) const {
        std::vector<std::string> p;
        for (const auto& c : pk)
            p.push_back(a + "." + c.name + " = " + b + "." + c.name);
        return join(p, " AND ");
    }
    // ($first::type, ...) for a key passed as text parameters.
    std::string pkParams(int first) const {
        std::vector<std::string> p;
        for (size_t i = 0; i < pk.size(); ++i)
            p.push_back("$" + std::to_string(first + static_cast<int>(i)) + "::" + pk[i].type);
        return "(" + join(p, ", ") + ")";
    }
    std::string colList(const std::string& alias = "") const {
        std::vector<std::string> p;
        for (const auto& c : cols)
            p.push_back((alias.empty() ? "" : alias + ".") + c.name);
        return join(p, ", ");
    }
    // Row text as the shadow's types see it: the original's values cast like the copy casts.
    std::string rowText(const std::string& alias, bool cast) const {
        std::vector<std::string> p;
        for (const auto& c : cols)
            p.push_back(alias + "." + c.name + (cast ? "::" + c.type : ""));
        return "md5(ROW(" + join(p, ", ") + ")::text)";
    }
    std::string checksum(const std::string& table, const std::string& alias, bool cast,
                         const std::string& where) const {
        return "(SELECT md5(coalesce(string_agg(" + rowText(alias, cast) + ", '' ORDER BY " +
               pkList(alias) + "), '')) || ':' || count(*) FROM " + table + " " + alias +
               (where.empty() ? "" : " WHERE " + where) + ")";
    }
    std::string upsertSet() const {
        std::vector<std::string> p;
        for (const auto& c : cols) {
            bool in_pk = false;
            for (const auto& k : pk)
                in_pk = in_pk || k.name == c.name;
            if (!in_pk && !c.always_identity)
                p.push_back(c.name + " = excluded." + c.name);
        }
        return p.empty() ? "DO NOTHING" : "DO UPDATE SET " + join(p, ", ");
    }
};

class ShadowRun {
public:
    ShadowRun(const std::string& url, const std::string& schema, const std::string& table,
              const ShadowOptions& options, ShadowResult& result);

    // Refuses what cannot be copied exactly; removes an interrupted run's leftovers.
    void check();
    // 1. The shadow, with the step's statements applied to it while it is empty.
    void createShadow(const std::vector<std::string>& statements);
    // 2. Capture before the snapshot: every change from here on leaves its key behind.
    void installCapture();
    // 3. Batched copy, every batch in the exported snapshot.
    void copyRows();
    // 4. Replay rounds until the backlog is small.
    void catchUp();
    // 5. Checksums per key range while writers go on.
    void verify();
    // 6. The swap, retried while the lock is not granted; then foreign keys are validated and
    // the shadow schema dropped.
    void swap();
    bool swapped() const { return swapped_; }
    void say(const std::string& message) const;

private:
    void readColumns();
    void createCaptureFunctions();
    void createTriggers();
    void copyBatches(const std::string& snapshot);
    int64_t replayRound(int64_t limit, bool replace, bool inside = false);
    int64_t safeRound(int64_t limit);
    int64_t backlog();
    void drain(int64_t until, int max_rounds = -1);
    void computeRanges();
    std::string rangeWhere(size_t i, const std::string& alias) const;
    db::Params rangeParams(size_t i) const;
    bool rangeEqual(size_t i);
    void forgetMatchingDirtyKeys();
    std::vector<std::string> swapOnce();
    void replayUnderLock();
    void checkUnderLock();
    db::PgResult detachOwnedSequences();
    void continueIdentities();
    void moveTable(const db::PgResult& owned, std::vector<std::string>& validate);
    void renameIndexes(const db::PgResult& old_indexes);
    void addForeignKey(const std::string& table, const std::string& name, std::string def,
                       bool validated, std::vector<std::string>& validate);
    void validateForeignKeys(const std::vector<std::string>& validate);

    std::string url_, schema_, table_, sh_;
    const ShadowOptions& o_;
    ShadowResult& res_;
    db::PgConnection c_;
    Plan p_;
    std::string orig_oid_;
    bool track_dirty_ = false;
    bool swapped_ = false;
    std::vector<std::vector<std::string>> bounds_;  // range starts after the first range
    std::vector<size_t> differing_;                 // ranges that still differed
};

}  // namespace agora::migrate::shadow
