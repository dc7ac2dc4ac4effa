#include "settings/SettingsService.h"

#include "settings/TenantSettings.h"
#include "tenancy/AuditLog.h"
#include "util/Error.h"

namespace agora {

void SettingsService::update(const SettingsRegistry& registry, Directory& directory,
                             db::PgConnection& c, const Tenant& tenant,
                             const std::map<std::string, json>& set,
                             const std::set<std::string>& inherit, int64_t actor) {
    std::map<std::string, json> normalised;
    for (const auto& [k, v] : set)
        normalised[k] = registry.validate(k, v);
    for (const auto& k : inherit)
        if (!registry.find(k))
            throw Error::invalid(k, "unknown setting " + k);
    db::Transaction tx(c);
    for (const auto& [k, v] : normalised) {
        auto old = c.q("SELECT value::text FROM network.settings WHERE tenant_id = $1 AND key = $2",
                       tenant.id, k);
        json old_value = old.empty() ? json(nullptr) : json::parse(old.str(0, 0));
        if (!old.empty() && old_value == v)
            continue;
        c.q("INSERT INTO network.settings (tenant_id, key, value, updated_by) VALUES ($1, $2, "
            "$3::jsonb, $4) ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, "
            "updated_by = excluded.updated_by, updated_at = now()",
            tenant.id, k, v.dump(), actor);
        auditLog(c, tenant.id, actor, "setting.set", k, old_value, v);
    }
    for (const auto& k : inherit) {
        auto old =
            c.q("DELETE FROM network.settings WHERE tenant_id = $1 AND key = $2 "
                "RETURNING value::text",
                tenant.id, k);
        if (!old.empty())
            auditLog(c, tenant.id, actor, "setting.inherit", k, json::parse(old.str(0, 0)),
                     nullptr);
    }
    c.exec(std::string("NOTIFY ") + kDirectoryChannel);
    tx.commit();
    // This server answers the next request with the new values; others follow the NOTIFY.
    directory.reload();
}

json SettingsService::describe(const SettingsRegistry& registry, const Tenant& tenant) {
    TenantSettings effective(registry, tenant);
    json items = json::array();
    for (const auto& d : registry.all()) {
        // A plugin's settings concern only the tenants that use it.
        if (d.owner != "core" && !tenant.pluginEnabled(d.owner))
            continue;
        json item = {{"key", d.key},
                     {"type", settingTypeName(d.type)},
                     {"default", d.default_value},
                     {"value", effective.get(d.key)},
                     {"overridden", effective.overridden(d.key)},
                     {"category", d.category},
                     {"description", d.description},
                     {"owner", d.owner},
                     {"nullable", d.nullable}};
        if (d.min)
            item["min"] = *d.min;
        if (d.max)
            item["max"] = *d.max;
        if (!d.choices.empty())
            item["choices"] = d.choices;
        items.push_back(std::move(item));
    }
    return items;
}

}  // namespace agora
