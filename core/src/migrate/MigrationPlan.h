#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "migrate/MigrateStates.h"
#include "migrate/Migrator.h"

namespace agora::migrate {

// Something the ledger tracks: the network schema or one tenant schema.
struct Target {
    std::string schema;  // "network" or the tenant's schema (from the directory, never input)
    std::string slug;    // empty for the network schema
    int64_t tenant_id = 0;
    std::optional<int64_t> staging_of;
    std::string status;  // tenant status (active, disabled)

    bool isNetwork() const { return slug.empty(); }
    bool isStaging() const { return staging_of.has_value(); }
    std::string label() const { return isNetwork() ? "network" : slug; }
};

// One step as seen on one target.
struct StepState {
    std::string step;
    StepPlanState state = StepPlanState::Pending;
    std::string phase;  // expand | contract (pending and edited steps)
    bool transactional = true;
    std::string checksum;  // the file's
    std::string applied_checksum;
    std::string applied_at;
    int64_t duration_ms = 0;
};

struct TargetStatus {
    Target target;
    std::vector<StepState> steps;
    size_t applied = 0, pending = 0, edited = 0, missing = 0;

    nlohmann::json toJson() const;
};

// The migration files of a checkout (migrations/network and migrations/tenant) against the
// ledger: which targets exist, which steps each has applied, which are pending.
class MigrationPlan {
public:
    MigrationPlan(std::vector<Step> network_steps, std::vector<Step> tenant_steps)
        : network_(std::move(network_steps)), tenant_(std::move(tenant_steps)) {}
    static MigrationPlan load(const std::filesystem::path& root);

    const std::vector<Step>& networkSteps() const { return network_; }
    const std::vector<Step>& tenantSteps() const { return tenant_; }
    const std::vector<Step>& stepsFor(const Target& t) const {
        return t.isNetwork() ? network_ : tenant_;
    }

    // The network schema first, then every tenant by id. Throws when the network schema has
    // not been initialised.
    static std::vector<Target> targets(db::PgConnection& conn);
    static std::optional<Target> tenant(db::PgConnection& conn, const std::string& slug);

    TargetStatus status(db::PgConnection& conn, const Target& target) const;
    // Pending steps in order. Throws (migration_edited) when an applied file has changed.
    std::vector<Step> pending(db::PgConnection& conn, const Target& target) const;

private:
    std::vector<Step> network_;
    std::vector<Step> tenant_;
};

}  // namespace agora::migrate
