#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/PgPool.h"
#include "migrate/MigrationPlan.h"
#include "migrate/OnlineApplier.h"
#include "migrate/RehearsalObservations.h"

namespace agora::migrate {

struct RehearsalOptions {
    ApplyOptions apply;
    std::chrono::milliseconds sample_interval{20};
    bool probe = true;  // simulate a reader and a writer on every table
    std::function<void(const std::string&)> progress;
};

// `agora migrate rehearse`: refreshes the tenant's staging copy, applies the tenant's pending
// steps to it with the same engine `migrate apply` uses, and measures each step: duration,
// relation locks the applier held (sampled from pg_locks), the longest wait of another session
// (sampled waiters plus a read and a write probe per table), tables rewritten (relfilenode
// changed), rows inserted/updated/deleted (pg_stat_user_tables deltas), and a production
// estimate scaled by the touched tables' production/staging size ratio. Each step's report is
// stored in network.rehearsals with its checksum and the production size, which is what
// `migrate apply` checks before it touches production.
class Rehearsal {
public:
    // `owner`: connections as the schema owner; `database_url`: the same role's URL (the
    // applier, the observers and the staging copy open their own connections).
    Rehearsal(db::PgPool& owner, std::string database_url, MigrationPlan plan)
        : owner_(owner), database_url_(std::move(database_url)), plan_(std::move(plan)) {}

    // Returns the report (ok=false when a step failed). Throws for unusable input (unknown
    // tenant, a staging tenant, an edited step).
    nlohmann::json run(const std::string& slug, const RehearsalOptions& options);

    // Human-readable table plus a timeline of steps and the locks they held.
    static std::string render(const nlohmann::json& report, int width = 60);

    // Total size (heap + indexes + toast) of the tables in a schema.
    static int64_t tableBytes(db::PgConnection& conn, const std::string& schema);

    // Whether `step` (with this checksum) was rehearsed successfully on a copy whose size is
    // within ±50% of `current_bytes`. On false, `why` says what is missing.
    static bool rehearsed(db::PgConnection& conn, const std::string& target, const Step& step,
                          int64_t current_bytes, std::string& why);

    // The production estimate of the latest successful rehearsal of `step` (same checksum).
    static std::optional<int64_t> estimatedMs(db::PgConnection& conn, const std::string& target,
                                              const Step& step);

    // One self-contained HTML page (inline SVG and CSS, no scripts, nothing fetched): a
    // timeline per step of the locks the applier held, the waits of the probes and of other
    // sessions, rows touched, the production estimate, and the slowest wait marked.
    static std::string renderHtml(const nlohmann::json& report);

private:
    static rehearsal::Sizes measure(db::PgConnection& obs, const std::string& prod,
                                    const std::string& staging, nlohmann::json& report);
    // Applies `steps` to the staging copy under the observers; the step reports go into
    // `report`. Returns whether every step applied.
    bool observeApply(db::PgConnection& obs, const std::string& staging_schema,
                      const std::string& staging_slug, const std::vector<Step>& steps,
                      const rehearsal::Sizes& sizes, const RehearsalOptions& options,
                      nlohmann::json& report);

    db::PgPool& owner_;
    std::string database_url_;
    MigrationPlan plan_;
};

}  // namespace agora::migrate
