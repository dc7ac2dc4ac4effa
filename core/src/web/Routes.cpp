#include "web/Routes.h"

#include "app/App.h"
#include "http/Router.h"
#include "web/NetworkRoutes.h"

namespace agora {

void registerAllRoutes(App& app, Router& router) {
    // /healthz and /metrics answer on any host, ahead of every tenant route.
    router.addNetworkHandler(
        [&app](const HttpRequest& req, HttpResponse& res, std::string& route_name) {
            return handleNetworkRoute(app, req, res, route_name);
        });
    registerStaticRoutes(router);
    registerAuthRoutes(router);
    registerAdminRoutes(router);
    registerPluginAdminRoutes(router);
    registerPostApiRoutes(router);
    registerPostPages(router);
    registerNotificationRoutes(router);
}

}  // namespace agora
