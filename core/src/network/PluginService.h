#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plugins/LoadedPlugin.h"
#include "services/Services.h"
#include "tenancy/Tenant.h"

namespace agora {

class PluginHost;

// Turning plugins on and off for one tenant (CLI `agora plugin enable/disable`, the admin API
// and page, tenant files). Enabling applies the plugin's migrations to the tenant's schema
// first (each step in its own transaction, recorded in the ledger as "<plugin>/<file>"), then
// records the enablement, runs the plugin's enable hooks, writes the audit row and notifies
// every server — in one transaction. Disabling keeps the plugin's tables and data, so enabling
// again picks up where it left off.
class PluginService {
public:
    PluginService(Services& services, PluginHost& plugins)
        : services_(services), plugins_(plugins) {}

    // Loaded plugins with this tenant's state, for the admin API and page.
    json describe(const Tenant& tenant) const;

    // Returns false when the plugin already was in that state. Unknown plugin: 404.
    bool enable(const Tenant& tenant, const std::string& name, std::optional<int64_t> actor);
    bool disable(const Tenant& tenant, const std::string& name, std::optional<int64_t> actor);

    // Throws Error::invalid("plugins") naming the first name that isn't a loaded plugin.
    void requireLoaded(const std::vector<std::string>& names) const;
    // Applies the plugin's pending migrations to `schema` (outside any transaction).
    void migrate(db::PgConnection& conn, const std::string& schema, const std::string& name);
    // Inside the caller's transaction: search_path on the tenant, then the enable hooks.
    void runEnableHooks(db::PgConnection& conn, const Tenant& tenant, const std::string& name);

private:
    const LoadedPlugin& loaded(const std::string& name) const;
    Services& services_;
    PluginHost& plugins_;
};

}  // namespace agora
