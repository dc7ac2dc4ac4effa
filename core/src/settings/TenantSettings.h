#pragma once

#include <cstdint>
#include <string>

#include "tenancy/Tenant.h"

namespace agora {

class SettingsRegistry;

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
