#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "settings/SettingDef.h"

namespace agora {

// Every setting any tenant can have. A duplicate key is a hard error (like a duplicate route):
// two owners silently sharing a key would make overrides ambiguous.
class SettingsRegistry {
public:
    void add(SettingDef def);
    const SettingDef* find(const std::string& key) const;
    std::vector<SettingDef> all() const;
    // Returns the value normalised to the setting's type, or throws Error::invalid naming the
    // key and why (unknown key, wrong type, out of bounds, not a choice).
    json validate(const std::string& key, const json& value) const;

private:
    mutable std::mutex mu_;
    std::map<std::string, SettingDef> defs_;
};

// Core's settings, registered explicitly from one place.
void registerCoreSettings(SettingsRegistry& registry);

}  // namespace agora
