#include "web/Routes.h"

#include "http/Router.h"
#include "web/NetworkRoutes.h"

namespace agora {

void registerAllRoutes(Services& services, PluginHost& plugins, Router& router) {
    // /healthz and /metrics answer on any host, ahead of every tenant route.
    router.addNetworkHandler(
        [&services](const HttpRequest& req, HttpResponse& res, std::string& route_name) {
            return handleNetworkRoute(services, req, res, route_name);
        });
    registerStaticRoutes(router);
    registerAuthRoutes(router);
    registerAdminRoutes(router, plugins);
    registerPluginAdminRoutes(router, plugins);
    registerPostApiRoutes(router);
    registerPostPages(router);
    registerNotificationRoutes(router);
    registerAccountApiRoutes(router);
    registerAccountPages(router);
    registerSettingsPages(router);
    registerNotificationSettingsRoutes(router, services);
}

}  // namespace agora
