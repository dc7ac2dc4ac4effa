#include "settings/TenantSettings.h"

#include "settings/SettingsRegistry.h"
#include "tenancy/Tenant.h"
#include "util/Error.h"

namespace agora {

json TenantSettings::get(const std::string& key) const {
    if (auto it = tenant_.overrides.find(key); it != tenant_.overrides.end())
        return it->second;
    const SettingDef* def = registry_.find(key);
    if (!def)
        throw Error::internal("setting " + key + " is not registered");
    return def->default_value;
}

std::string TenantSettings::text(const std::string& key) const {
    auto v = get(key);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace agora
