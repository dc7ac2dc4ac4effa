#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/PgPool.h"

namespace agora {

struct StageResult {
    std::string slug;    // "<parent>-staging"
    std::string schema;  // its schema
    std::string parent;
    int64_t id = 0;
    bool created = false;  // false: an existing staging copy was refreshed
    std::vector<std::string> hosts;
    int64_t ledger_rows = 0;
    int64_t members = 0;
    int64_t ms = 0;
    std::vector<std::string> differences;  // with verify: tables that don't match (empty = ok)

    nlohmann::json toJson() const;
};

// Creates or refreshes a tenant's staging copy ("<slug>-staging", served at staging.<first
// host>, network.tenants.staging_of = parent): one consistent snapshot of the parent's schema
// and data, its ledger rows (so the copy has exactly the parent's pending steps) and its
// memberships (so the parent's admins can sign in). The copy is built under a scratch schema
// name and swapped in with one short transaction: a failed refresh leaves the old copy intact.
//
// A staging tenant holds production data but must never reach real people: code that sends
// notifications or mail checks Tenant::isStaging() (staging_of IS NOT NULL) and stays silent.
class Stager {
public:
    // `owner`: connections as the schema owner; `database_url`: the same role's URL, for
    // pg_dump/psql (config migration_database_url).
    Stager(db::PgPool& owner, std::string database_url)
        : owner_(owner), database_url_(std::move(database_url)) {}

    // verify: also compares per-table row counts and checksums of the copy against the parent
    // in the copied snapshot (reads every row twice more).
    StageResult stage(const std::string& parent_slug, bool verify = false,
                      const std::function<void(const std::string&)>& progress = {});

    static std::string stagingSlug(const std::string& parent_slug) {
        return parent_slug + "-staging";
    }

private:
    db::PgPool& owner_;
    std::string database_url_;
};

}  // namespace agora
