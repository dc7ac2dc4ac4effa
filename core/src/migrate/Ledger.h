#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "db/PgConnection.h"
#include "migrate/Step.h"
#include "util/Error.h"

namespace agora::migrate {

// One row of the ledger: a step applied to a target.
struct LedgerEntry {
    std::string step;
    std::string checksum;
    std::string applied_at;  // as PostgreSQL prints the timestamptz: copies it back exactly
    std::string applied_on;  // "YYYY-MM-DD HH24:MI:SS", for people
    int64_t duration_ms = 0;
};

// network.schema_migrations, the migration ledger: one row per target (the network schema or
// one tenant schema) and step, with the file's checksum. This class is its only writer, so
// what a row means (the step's changes committed, with these bytes) is decided in one place:
// the appliers record a step in the transaction that applied it, and staging copies and
// restores replace a target's rows with those describing the schema they copied.
class Ledger {
public:
    explicit Ledger(db::PgConnection& conn) : conn_(conn) {}

    // Creates the network schema and the ledger if missing.
    static void bootstrap(db::PgConnection& conn);

    // What is applied to `target`, by step name.
    std::map<std::string, LedgerEntry> applied(const std::string& target);
    // The same rows in step order (what a copy of the target carries along).
    std::vector<LedgerEntry> entries(const std::string& target);
    bool contains(const std::string& target, const std::string& step);
    // Of the tenants with `plugin` enabled: how many lack `step` ("plugin/NNN_x.sql"), and how
    // many there are.
    std::pair<int64_t, int64_t> pluginCoverage(const std::string& plugin, const std::string& step);

    // A step applied now; runs in the caller's transaction, if any.
    void record(const std::string& target, const Step& step, int64_t duration_ms);
    // The target's rows become `rows` (a staging copy or a restore of another schema's data).
    void replace(const std::string& target, const std::vector<LedgerEntry>& rows);

    // Throws migration_edited for the first step applied with other bytes than its file's.
    void verify(const std::string& target, const std::vector<Step>& steps);
    static Error edited(const std::string& step, const std::string& target,
                        const std::string& applied_checksum, const std::string& file_checksum);

private:
    db::PgConnection& conn_;
};

}  // namespace agora::migrate
