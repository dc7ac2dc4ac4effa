#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "db/PgConnection.h"

namespace agora::migrate {

// One numbered SQL file.
struct Step {
    std::string name;  // e.g. "001_members.sql" or "abilities/001_grants.sql"
    std::string sql;
    std::string checksum;       // sha256 of the file's bytes
    bool transactional = true;  // false when the file says "-- agora:no-transaction"
    // "expand" (default) or "contract" ("-- agora:phase contract"): a contract step drops or
    // renames what the running code no longer uses, so it runs only after that code is gone.
    std::string phase = "expand";
    // "-- agora:shadow TABLE": the online applier runs the statements against a shadow copy of
    // TABLE and swaps it in (ShadowRewrite); a plain apply (new, empty tenants) runs them as is.
    std::string shadow_table;
};

struct StepStatus {
    Step step;
    bool applied = false;
    std::string applied_at;
};

// Applies numbered SQL files and keeps the ledger (network.schema_migrations): one row per
// target (the network schema or one tenant schema) and step, with the file's checksum. An
// already-applied file whose bytes changed is an error, never silently re-run or skipped.
class Migrator {
public:
    // A step from its name and bytes: checksum and header markers filled in.
    static Step makeStep(std::string name, std::string sql);
    static std::vector<Step> loadSteps(const std::filesystem::path& dir,
                                       const std::string& prefix = "");

    // Creates the network schema and the ledger if missing.
    static void bootstrap(db::PgConnection& conn);

    // Applies pending steps to `schema` (the network schema or a tenant schema taken from the
    // directory). Each transactional step runs in its own transaction with its ledger row.
    // Returns the names applied. Throws on a checksum mismatch before applying anything.
    static std::vector<std::string> apply(
        db::PgConnection& conn, const std::string& schema, const std::vector<Step>& steps,
        const std::function<void(const std::string&)>& progress = {});

    static std::vector<StepStatus> status(db::PgConnection& conn, const std::string& schema,
                                          const std::vector<Step>& steps);
};

}  // namespace agora::migrate
