#pragma once

#include <agora/plugin_api.h>

#include <cstdio>
#include <string>

#include "content/EventBus.h"
#include "content/PermissionService.h"
#include "http/Router.h"
#include "plugins/LoadedPlugin.h"

namespace agora {

class Services;
class RequestContext;

// How the plugin host calls into plugin code: the guard around every call, the C views of
// what a callback receives, and the adapters that turn a plugin's route, event handler and
// ability resolver into the core's own handler types.
namespace pluginhost {

constexpr size_t kErrorCap = 1024;

// Calls into plugin code. Whatever it throws stops here and becomes an error message: no
// exception crosses the boundary (DESIGN decision 4), even from a plugin that ignores the rule.
template <typename F>
int callPlugin(char* error, F&& f) noexcept {
    try {
        return f();
    } catch (const std::exception& e) {
        std::snprintf(error, kErrorCap, "threw an exception: %s", e.what());
    } catch (...) {
        std::snprintf(error, kErrorCap, "threw a non-standard exception");
    }
    return AGORA_ERR;
}

// The plugin's error message, or "no reason given".
std::string errorText(const char* error);

// The C view of a request; the strings it points to live in this object.
struct RequestView {
    explicit RequestView(RequestContext& ctx);
    RequestView(const RequestView&) = delete;
    RequestView& operator=(const RequestView&) = delete;

    std::string params, query, content_type;
    AgoraRequest view{};
};

// A core route handler running the plugin's route: host checks first, the plugin's
// transaction rolled back unless committed, an error naming the plugin when it fails.
Handler routeHandler(Services& app, LoadedPlugin& plugin, PluginRoute route);
// An event subscriber running the plugin's handler in the publisher's transaction.
EventHandler eventHandler(Services& app, LoadedPlugin& plugin, PluginSubscription sub);
// The permission resolver answering through the plugin's.
AbilityResolver abilityResolver(Services& app, LoadedPlugin& plugin,
                                PluginCallback<AgoraResolverFn> cb);

}  // namespace pluginhost

}  // namespace agora
