#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/PgPool.h"

namespace agora::migrate {

struct BackupResult {
    std::string slug;
    std::filesystem::path dir;  // DIR/SLUG
    int64_t tables = 0;
    int64_t rows = 0;
    int64_t dump_bytes = 0;
    int64_t ms = 0;
    nlohmann::json toJson() const;
};

struct RestoreOptions {
    std::optional<std::string> as_slug;  // restore under another slug
    std::vector<std::string> hosts;      // replaces the backup's hosts
};

struct RestoreResult {
    std::string slug;
    std::string schema;
    int64_t id = 0;
    bool created = false;  // false: restored into an existing, empty tenant
    std::vector<std::string> hosts;
    int64_t tables = 0;
    int64_t rows = 0;
    int64_t ms = 0;
    nlohmann::json toJson() const;
};

// Consistent per-tenant backups. DIR/SLUG/ holds schema.dump (pg_dump custom format of the
// tenant's schema) and manifest.json: the tenant row, hosts, settings, plugins, memberships,
// the ledger rows of its schema, and a row count and checksum per table — all read in the
// snapshot pg_dump used, so the manifest describes exactly the dump. A restore is checked
// against those checksums before it becomes visible; a mismatch leaves nothing behind.
class TenantBackup {
public:
    // `owner`: connections as the schema owner; `database_url`: the same role's URL, for
    // pg_dump/pg_restore (config migration_database_url).
    TenantBackup(db::PgPool& owner, std::string database_url)
        : owner_(owner), database_url_(std::move(database_url)) {}

    BackupResult backup(const std::string& slug, const std::filesystem::path& dir,
                        const std::function<void(const std::string&)>& progress = {});

    // Into a new tenant, or into an existing one without members (just created, or emptied).
    RestoreResult restore(const std::string& slug, const std::filesystem::path& dir,
                          const RestoreOptions& options,
                          const std::function<void(const std::string&)>& progress = {});

    static constexpr int kFormat = 1;

private:
    db::PgPool& owner_;
    std::string database_url_;
};

}  // namespace agora::migrate
