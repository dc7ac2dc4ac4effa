#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "migrate/Step.h"

namespace agora::migrate {

struct StepStatus {
    Step step;
    bool applied = false;
    std::string applied_at;
};

// Loads numbered SQL files and applies them to a schema nothing uses yet (network init, a new
// tenant, a plugin's first enable): the online applier in its fresh-schema mode, which records
// each step in the ledger (Ledger). An already-applied file whose bytes changed is an error,
// never silently re-run or skipped.
class Migrator {
public:
    // A step from its name and bytes: checksum and header markers filled in.
    static Step makeStep(std::string name, std::string sql);
    static std::vector<Step> loadSteps(const std::filesystem::path& dir,
                                       const std::string& prefix = "");

    // Creates the network schema and the ledger if missing (Ledger::bootstrap).
    static void bootstrap(db::PgConnection& conn);

    // Applies pending steps to `schema` (the network schema or a tenant schema taken from the
    // directory). Each transactional step runs in its own transaction with its ledger row.
    // Returns the names applied. Throws on a checksum mismatch before applying anything, and
    // rethrows what failed a step (the steps before it stay applied).
    static std::vector<std::string> apply(
        db::PgConnection& conn, const std::string& schema, const std::vector<Step>& steps,
        const std::function<void(const std::string&)>& progress = {});

    static std::vector<StepStatus> status(db::PgConnection& conn, const std::string& schema,
                                          const std::vector<Step>& steps);
};

}  // namespace agora::migrate
