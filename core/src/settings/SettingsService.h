#pragma once

#include <map>
#include <set>
#include <string>

#include "db/PgConnection.h"
#include "settings/SettingsRegistry.h"
#include "tenancy/Directory.h"
#include "tenancy/Tenant.h"

namespace agora {

// Tenant setting overrides: validated against the registry, written with an audit row per
// change and a NOTIFY in one transaction, so every server serves the new value within a second.
class SettingsService {
public:
    // Applies `set` (key → value) and resets `inherit` keys to their defaults. Everything is
    // validated before anything is written: one bad key means nothing changes.
    static void update(const SettingsRegistry& registry, Directory& directory, db::PgConnection& c,
                       const Tenant& tenant, const std::map<std::string, json>& set,
                       const std::set<std::string>& inherit, int64_t actor);
    // Every registered setting with its default, override and effective value.
    static json describe(const SettingsRegistry& registry, const Tenant& tenant);
};

}  // namespace agora
