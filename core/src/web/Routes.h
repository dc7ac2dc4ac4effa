#pragma once

namespace agora {

class Router;
class App;

// Every core route is registered from here, explicitly, in one place.
void registerStaticRoutes(Router& router);
void registerAuthRoutes(Router& router);
void registerAdminRoutes(Router& router);
void registerPluginAdminRoutes(Router& router);
void registerPostApiRoutes(Router& router);
void registerPostPages(Router& router);
void registerNotificationRoutes(Router& router);
void registerAllRoutes(App& app, Router& router);

}  // namespace agora
