#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/PgConnection.h"

namespace agora::migrate {

struct ShadowOptions {
    int batch_rows = 5000;   // rows per copy transaction and per replay round
    int range_rows = 20000;  // keys per checksum range
    int drain_rows = 500;    // capture backlog small enough to take the lock for the swap
    int max_lock_ms = 500;   // lock_timeout for the trigger install and the swap
    int max_attempts = 8;    // swap attempts (lock timeouts, a backlog that grew meanwhile)
    int max_catchup_ms = 600'000;
    std::function<void(const std::string&)> progress;
    // Called after each copy batch with the rows copied so far (tests slow the copy down).
    std::function<void(int64_t)> after_batch;
};

struct ShadowResult {
    int64_t rows_copied = 0;
    int64_t keys_replayed = 0;
    int64_t replay_rounds = 0;
    int64_t ranges = 0;
    int64_t ranges_rechecked = 0;
    int64_t keys_rechecked = 0;  // checked again under the swap lock
    int swap_attempts = 0;
    bool cleaned_leftovers = false;     // an interrupted earlier run was cleaned up first
    std::vector<std::string> warnings;  // after the swap: FKs left NOT VALID, cleanup trouble
    int64_t copy_ms = 0, catchup_ms = 0, verify_ms = 0, lock_ms = 0, total_ms = 0;

    nlohmann::json toJson() const;
};

// Rewrites one table online (DESIGN decision 6): the step's statements run against an empty
// shadow copy of the table, the rows are copied over in batches, and every change made to the
// table meanwhile is replayed, so inserts, updates and deletes are neither lost nor doubled:
//
// 1. shadow schema "<schema>__shadow" with the table (LIKE ... INCLUDING ALL) and the step's
//    statements applied to it (search_path: shadow schema first);
// 2. a row trigger on the table records the primary key of every changed row in a capture
//    table — installed BEFORE the copy snapshot, so no change can fall between the two;
// 3. a REPEATABLE READ transaction exports the copy snapshot and deletes the capture rows it
//    can see (their changes are in the snapshot); batches import that snapshot and copy rows in
//    key order;
// 4. replay rounds take captured keys (oldest first) and make the shadow row equal to the
//    table's current row: upsert if it exists, delete if it doesn't — taking the capture rows
//    and writing the shadow in one transaction, so a crash never loses a capture;
// 5. checksums per key range (md5 of the rows as the shadow types see them) compared while
//    writers go on; ranges that differ are caught up and checked again;
// 6. swap in one transaction under ACCESS EXCLUSIVE (lock_timeout + retry): replay the last
//    keys, re-check every key replayed since the checksum pass, drop the old table, move the
//    shadow in, give indexes their old names, re-create foreign keys (NOT VALID, validated after
//    the lock), triggers and sequence ownership.
//
// Kill -9 safe: until the swap commits the original table is untouched (apart from the
// trigger), and a rerun first removes the leftovers of an interrupted run and starts over.
// Refused: tables without a primary key, tables with dependent views, TRUNCATE meanwhile.
class ShadowRewrite {
public:
    ShadowRewrite(std::string database_url, std::string schema, std::string table,
                  std::vector<std::string> statements)
        : url_(std::move(database_url)),
          schema_(std::move(schema)),
          table_(std::move(table)),
          statements_(std::move(statements)) {}

    ShadowResult run(const ShadowOptions& options);

    static std::string shadowSchema(const std::string& schema) { return schema + "__shadow"; }
    // Removes what an interrupted run left (trigger, shadow schema); true if there was any.
    static bool cleanup(db::PgConnection& conn, const std::string& schema, const std::string& table,
                        int max_lock_ms);

private:
    std::string url_;
    std::string schema_;
    std::string table_;
    std::vector<std::string> statements_;
};

}  // namespace agora::migrate
