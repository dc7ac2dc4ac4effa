#include "network/PluginService.h"

#include "cache/PageCache.h"
#include "network/TenantService.h"
#include "plugins/PluginHost.h"
#include "tenancy/AuditLog.h"
#include "util/Error.h"

namespace agora {

namespace {

std::string loadedList(const PluginHost& host) {
    std::string out;
    for (const auto& n : host.names())
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

// Pages cached for anonymous readers show plugins' slots: drop this tenant's, everywhere.
void announce(db::PgConnection& c, const Tenant& tenant) {
    c.exec(std::string("NOTIFY ") + kDirectoryChannel);
    c.q("SELECT pg_notify($1, $2)", std::string(kCacheChannel), std::to_string(tenant.id));
}

}  // namespace

const LoadedPlugin& PluginService::loaded(const std::string& name) const {
    const auto* p = plugins_.find(name);
    if (!p)
        throw Error::notFound("no plugin named \"" + name +
                              "\" is loaded (loaded: " + loadedList(plugins_) + ")");
    return *p;
}

void PluginService::requireLoaded(const std::vector<std::string>& names) const {
    for (const auto& n : names)
        if (!plugins_.find(n))
            throw Error::invalid(
                "plugins", "unknown plugin \"" + n + "\" (loaded: " + loadedList(plugins_) + ")");
}

json PluginService::describe(const Tenant& tenant) const {
    json items = json::array();
    for (const auto& p : plugins_.all()) {
        if (!p->ok)
            continue;  // load failures are the operator's business (`agora plugin list`)
        items.push_back({{"name", p->name},
                         {"version", p->version},
                         {"summary", p->summary},
                         {"abi", std::to_string(p->abi_major) + "." + std::to_string(p->abi_minor)},
                         {"enabled", tenant.pluginEnabled(p->name)}});
    }
    return items;
}

void PluginService::migrate(db::PgConnection& conn, const std::string& schema,
                            const std::string& name) {
    migrate::Migrator::apply(conn, schema, loaded(name).migrations);
}

void PluginService::runEnableHooks(db::PgConnection& conn, const Tenant& tenant,
                                   const std::string& name) {
    conn.exec("SET LOCAL search_path TO " + conn.quoteIdent(tenant.schema) + ", public");
    conn.forgetSchema();
    plugins_.runEnableHooks(name, conn, tenant);
}

bool PluginService::enable(const Tenant& tenant, const std::string& name,
                           std::optional<int64_t> actor) {
    loaded(name);
    auto lease = services_.ownerPool().acquire();
    auto& c = *lease;
    // The schema first: a tenant must never be marked as using a plugin whose tables aren't
    // there yet.
    migrate(c, tenant.schema, name);
    {
        db::Transaction tx(c);
        // Two admins enabling at once: the second waits here, then finds it done.
        c.q("SELECT 1 FROM network.tenants WHERE id = $1 FOR UPDATE", tenant.id);
        auto cur =
            c.q("SELECT enabled FROM network.tenant_plugins WHERE tenant_id = $1 AND plugin = $2",
                tenant.id, name);
        if (!cur.empty() && cur.boolean(0, 0)) {
            tx.commit();
            return false;
        }
        c.q("INSERT INTO network.tenant_plugins (tenant_id, plugin, enabled) VALUES ($1, $2, "
            "true) ON CONFLICT (tenant_id, plugin) DO UPDATE SET enabled = true, changed_at = "
            "now()",
            tenant.id, name);
        runEnableHooks(c, tenant, name);
        auditLog(c, tenant.id, actor, "plugin.enable", name, false, true);
        announce(c, tenant);
        tx.commit();
    }
    c.forgetSchema();
    services_.directory().reload();
    services_.pageCache().invalidateTenant(tenant.id);
    return true;
}

bool PluginService::disable(const Tenant& tenant, const std::string& name,
                            std::optional<int64_t> actor) {
    // A plugin whose file is gone can still be switched off where it was on.
    if (!plugins_.find(name) && !tenant.pluginEnabled(name))
        loaded(name);
    auto lease = services_.ownerPool().acquire();
    auto& c = *lease;
    {
        db::Transaction tx(c);
        c.q("SELECT 1 FROM network.tenants WHERE id = $1 FOR UPDATE", tenant.id);
        auto r =
            c.q("UPDATE network.tenant_plugins SET enabled = false, changed_at = now() "
                "WHERE tenant_id = $1 AND plugin = $2 AND enabled RETURNING 1",
                tenant.id, name);
        if (r.empty()) {
            tx.commit();
            return false;
        }
        // The plugin's tables and rows stay: enabling it again continues from them.
        auditLog(c, tenant.id, actor, "plugin.disable", name, true, false);
        announce(c, tenant);
        tx.commit();
    }
    services_.directory().reload();
    services_.pageCache().invalidateTenant(tenant.id);
    return true;
}

}  // namespace agora
