#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "services/Services.h"

namespace agora {

class MailSender;
class PluginHost;
class Router;

// The whole process: the shared services plus what sits above the request layer, the routes
// and the plugins. Only the commands (cli/) and main build one; everything else takes the
// Services (or narrower parts) an App converts to.
class App : public Services {
public:
    explicit App(Config config, size_t pool_size = 16, DbRole role = DbRole::Owner);
    ~App() override;

    Router& router();
    // Plugins from config().plugin_dir; empty until loadPlugins() ran.
    PluginHost& plugins() { return *plugins_; }
    // Loads the plugin directory once (servers, and the CLI commands that need plugins'
    // settings, migrations or enable hooks). Later calls do nothing.
    void loadPlugins();

    using Services::tenantSteps;
    // Core steps followed by those of the named (loaded) plugins, "<plugin>/<file>".
    std::vector<migrate::Step> tenantSteps(const std::set<std::string>& plugins) const;

    // Builds the routes and renderer (servers only; the CLI doesn't need them).
    void prepareServing();

    // A sender for the outbox with the periodic mail tasks (the daily digest) registered:
    // `agora serve` runs one beside the requests, `agora mail work` runs one alone.
    std::unique_ptr<MailSender> mailSender(const std::string& smtp_url);

private:
    std::unique_ptr<Router> router_;
    std::unique_ptr<PluginHost> plugins_;
};

}  // namespace agora
