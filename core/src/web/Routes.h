#pragma once

namespace agora {

class Router;
class PluginHost;
class Services;

// Every core route is registered from here, explicitly, in one place.
void registerStaticRoutes(Router& router);
void registerAuthRoutes(Router& router);
void registerAdminRoutes(Router& router, PluginHost& plugins);
void registerPluginAdminRoutes(Router& router, PluginHost& plugins);
void registerPostApiRoutes(Router& router);
void registerPostPages(Router& router);
void registerNotificationRoutes(Router& router);
void registerAccountApiRoutes(Router& router);
void registerAccountPages(Router& router);
void registerSettingsPages(Router& router);
void registerNotificationSettingsRoutes(Router& router, Services& services);
void registerAllRoutes(Services& services, PluginHost& plugins, Router& router);

}  // namespace agora
