#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace agora {

using json = nlohmann::json;

// A disabled community keeps its data but is served to no one.
enum class TenantStatus { Active, Disabled };
// The names stored in network.tenants.status.
const char* tenantStatusName(TenantStatus status);
TenantStatus parseTenantStatus(const std::string& name);

// One community as the directory knows it. Immutable once built: the directory swaps in a new
// snapshot when anything changes, so a request holds a consistent view for its whole life.
struct Tenant {
    int64_t id = 0;
    std::string slug;
    std::string name;
    std::string schema;  // the only source of schema names for tenant queries
    std::string theme = "default";
    TenantStatus status = TenantStatus::Active;
    std::string shard = "main";
    std::optional<int64_t> staging_of;
    std::string staging_of_slug;
    std::vector<std::string> hosts;
    std::map<std::string, json> overrides;  // settings explicitly set for this tenant
    std::set<std::string> plugins;          // enabled plugin names
    // The tenant's database role (TenantRoles) when this process may switch to it; plugin SQL
    // runs under it. Empty: roles couldn't be created on this install, plugins run unconfined.
    std::string db_role;

    bool isStaging() const { return staging_of.has_value(); }
    bool pluginEnabled(const std::string& name) const { return plugins.count(name) > 0; }
};

}  // namespace agora
