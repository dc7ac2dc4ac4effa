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
class SettingsRegistry;

// One community as the directory knows it. Immutable once built: the directory swaps in a new
// snapshot when anything changes, so a request holds a consistent view for its whole life.
struct Tenant {
    int64_t id = 0;
    std::string slug;
    std::string name;
    std::string schema;  // the only source of schema names for tenant queries
    std::string theme = "default";
    std::string status = "active";
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

// Effective settings of one tenant: the override if present, else the registered default.
class TenantSettings {
public:
    TenantSettings(const SettingsRegistry& registry, const Tenant& tenant)
        : registry_(registry), tenant_(tenant) {}
    json get(const std::string& key) const;
    int64_t integer(const std::string& key) const { return get(key).get<int64_t>(); }
    double number(const std::string& key) const { return get(key).get<double>(); }
    std::string text(const std::string& key) const;
    bool flag(const std::string& key) const { return get(key).get<bool>(); }
    bool overridden(const std::string& key) const { return tenant_.overrides.count(key) > 0; }

private:
    const SettingsRegistry& registry_;
    const Tenant& tenant_;
};

}  // namespace agora
