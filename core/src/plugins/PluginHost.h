#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "migrate/Migrator.h"
#include "plugins/LoadedPlugin.h"
#include "tenancy/Tenant.h"

namespace agora {

class Services;
class Renderer;
class RequestContext;
class Router;

// Loads plugins from the one configured directory and connects what they register to the
// rest of the server (DESIGN decision 4).
//
// Loading a file: dlopen(RTLD_NOW | RTLD_LOCAL), dlsym the entry, check the descriptor's size
// and ABI version before calling init, init with registration open, then validate and commit
// everything the plugin registered — or nothing. A file that fails any step is kept as a
// refused plugin with the reason (expected vs actual, and a hint) and the server runs on
// without it. Nothing is ever dlclose'd: callbacks, strings and the plugin's own state must
// stay valid for the life of the process.
//
// Settings, event handlers and the ability resolver are committed at load (the CLI needs them
// too); routes and templates are installed into a server's router and renderer by
// install(). Every call into plugin code goes through this class, which catches whatever the
// plugin throws and turns a failed callback into an error naming the plugin.
class PluginHost {
public:
    explicit PluginHost(Services& app);
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    // Scans `dir` (not its subfolders) for *.so files in name order. Runs once; later calls
    // return at once. A missing directory means no plugins.
    void loadAll(const std::filesystem::path& dir);
    bool loaded() const { return loaded_; }
    const std::filesystem::path& dir() const { return dir_; }

    // Every file found, loaded or refused, in load order.
    const std::vector<std::unique_ptr<LoadedPlugin>>& all() const { return plugins_; }
    // A plugin that loaded, or null.
    const LoadedPlugin* find(const std::string& name) const;
    std::vector<std::string> names() const;

    // Routes into the router, templates, slot partials and the header badges (a page
    // decorator) into the renderer (servers only).
    void install(Router& router, Renderer& renderer);

    // Header badges for the page `ctx` is rendering: [{label, link, count}] with count > 0,
    // from the plugins the tenant enabled (signed-in viewers only).
    json badges(RequestContext& ctx);

    // The plugin's tenant-schema steps, named "<plugin>/<file>".
    std::vector<migrate::Step> migrations(const std::string& name) const;
    // Runs the plugin's enable hooks on `conn` (search_path on the tenant, inside the
    // caller's transaction). Throws Error naming the plugin when a hook fails.
    void runEnableHooks(const std::string& name, db::PgConnection& conn, const Tenant& tenant);

    Services& app() { return app_; }

private:
    void loadOne(const std::filesystem::path& file);
    bool checkDescriptor(LoadedPlugin& p, const AgoraPluginDescriptor* d);
    bool commit(LoadedPlugin& p);
    void refuse(LoadedPlugin& p, std::string error, std::string hint);

    Services& app_;
    std::filesystem::path dir_;
    bool loaded_ = false;
    std::mutex mu_;
    std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
    const LoadedPlugin* resolver_owner_ = nullptr;
};

}  // namespace agora
