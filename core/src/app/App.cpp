#include "app/App.h"

#include "http/Router.h"
#include "mail/OutboxClaims.h"
#include "network/PluginSteps.h"
#include "notifications/ContentNotifications.h"
#include "plugins/PluginHost.h"
#include "services/DigestJob.h"
#include "services/MailSender.h"
#include "util/Error.h"
#include "web/Routes.h"

namespace agora {

App::App(Config config, size_t pool_size, DbRole role)
    : Services(std::move(config), pool_size, role), plugins_(std::make_unique<PluginHost>(*this)) {
    subscribeContentNotifications(events(), this->config().public_url);
}

App::~App() = default;

Router& App::router() {
    if (!router_)
        throw Error::internal("router not prepared");
    return *router_;
}

void App::loadPlugins() {
    plugins_->loadAll(config().plugin_dir);
}

std::vector<migrate::Step> App::tenantSteps(const std::set<std::string>& plugins) const {
    return tenantStepsWith(tenantSteps(), *plugins_, plugins);
}

void App::prepareServing() {
    prepareRequests();
    loadPlugins();
    router_ = std::make_unique<Router>();
    registerAllRoutes(*this, *plugins_, *router_);
    // Core routes first: a plugin route that clashes with one is refused, not the core one.
    plugins_->install(*router_, renderer());
}

std::unique_ptr<MailSender> App::mailSender(const std::string& smtp_url) {
    auto sender = std::make_unique<MailSender>(*this, smtp_url);
    // Hourly: runDigests mails each account at most once a day, so a run missed is made up.
    sender->addPeriodic("digest", std::chrono::hours(1), [](Services& s) { runDigests(s); });
    // Delivered mail keeps addresses and contents: gone 30 days after it is done with.
    sender->addPeriodic("prune", std::chrono::hours(1), [](Services& services) {
        auto conn = services.pool().acquire();
        while (mail::OutboxClaims::prune(*conn, std::chrono::hours(24 * 30)) > 0) {
        }
    });
    return sender;
}

}  // namespace agora
