#include "web/Routes.h"

#include "app/App.h"
#include "http/Router.h"

namespace agora {

void registerAllRoutes(App& app, Router& router) {
    (void)app;
    registerStaticRoutes(router);
    registerAuthRoutes(router);
    registerAdminRoutes(router);
    registerPluginAdminRoutes(router);
    registerPostApiRoutes(router);
    registerPostPages(router);
    registerNotificationRoutes(router);
}

}  // namespace agora
