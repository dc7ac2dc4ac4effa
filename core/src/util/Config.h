#pragma once

#include <filesystem>
#include <string>

#include "util/AddressSet.h"

namespace agora {

// Where Agora finds its servers and files. AGORA_* environment variables win; otherwise the
// `.agora/agora.env` written by ops/up (searched from the working directory upwards), so the
// CLI run from a checkout talks to the same servers as `ops/up`.
struct Config {
    // AGORA_DATABASE_URL: the role requests run as (DML only when the roles are split).
    std::string database_url;
    // AGORA_MIGRATION_DATABASE_URL: the role that owns the schemas and runs migrations, tenant
    // creation and plugin enabling. Unset = database_url, i.e. one role does everything.
    std::string migration_database_url;
    std::string redis_url;
    std::filesystem::path root;        // checkout: migrations/, themes/, tenants/
    std::filesystem::path plugin_dir;  // the only folder plugins are loaded from
    int workers = 0;                   // 0 = derive from cores
    // Proxies whose X-Forwarded-For/-Proto are believed (AGORA_TRUSTED_PROXIES); none by
    // default, so no visitor can choose the address rate limits and logs see.
    AddressSet trusted_proxies;
    // Who may read /metrics (AGORA_METRICS_ALLOW), checked against the client address.
    AddressSet metrics_allow = AddressSet::parse("127.0.0.1, ::1");

    static Config load();
    // Whether requests and migrations use different roles.
    bool splitRoles() const { return migration_database_url != database_url; }
};

}  // namespace agora
