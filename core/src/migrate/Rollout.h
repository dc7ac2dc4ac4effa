#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/PgPool.h"
#include "migrate/MigrateStates.h"
#include "migrate/MigrationPlan.h"
#include "migrate/OnlineApplier.h"

namespace agora::migrate {

struct RolloutOptions {
    ApplyOptions apply;
    bool unrehearsed = false;  // skip the rehearsal check (an operator's explicit choice)
    bool contract = false;     // also run contract-phase steps
    std::vector<std::string> canaries;
    std::function<void(const std::string&)> progress;
};

struct TenantOutcome {
    std::string slug;
    std::string schema;
    Wave wave = Wave::Main;
    RolloutStatus status = RolloutStatus::Applied;
    std::vector<std::string> applied;
    std::vector<std::string> held;  // contract steps left for a --contract run
    std::string error;
    ApplyResult result;

    bool failed() const {
        return status == RolloutStatus::Refused || status == RolloutStatus::Failed;
    }
    nlohmann::json toJson() const;
};

struct RolloutResult {
    std::vector<TenantOutcome> tenants;
    bool ok = true;
    nlohmann::json toJson() const;
};

// `agora migrate apply`: pending tenant steps, tenant by tenant, with the online applier.
// Order for a whole-network run: staging copies first, then the named canaries, then everyone
// else. A failure among staging copies or canaries stops the run before the main wave (that is
// what they are for); a failure in the main wave is reported and the next tenant goes on. A
// production tenant is refused unless each pending step was rehearsed, with the same checksum,
// on a copy within ±50% of its current size. Reruns continue where the ledger says.
class Rollout {
public:
    // `owner`: connections as the schema owner; `database_url`: the same role's URL (shadow
    // rewrites open connections of their own).
    Rollout(db::PgPool& owner, std::string database_url, MigrationPlan plan)
        : owner_(owner), database_url_(std::move(database_url)), plan_(std::move(plan)) {}

    // `slugs` empty: every tenant.
    RolloutResult run(const std::vector<std::string>& slugs, const RolloutOptions& options);

private:
    TenantOutcome applyOne(db::PgConnection& conn, const Target& target, Wave wave,
                           const RolloutOptions& options);

    db::PgPool& owner_;
    std::string database_url_;
    MigrationPlan plan_;
};

}  // namespace agora::migrate
