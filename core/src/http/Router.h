#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace agora {

class RequestContext;
using Handler = std::function<void(RequestContext&)>;

// A route: method + pattern with {name} segments. `plugin` is empty for core routes; a plugin
// route only matches on tenants that enabled that plugin.
struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    std::string plugin;
    std::vector<std::string> segments;
};

struct RouteMatch {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    bool method_mismatch = false;  // path known, method not: 405
};

// Routes are added explicitly (registerXxxRoutes from one place); adding the same method and
// pattern twice is a hard error.
class Router {
public:
    void add(std::string method, std::string pattern, Handler handler, std::string plugin = "");
    // `enabled` says whether a plugin is enabled for the request's tenant.
    RouteMatch match(const std::string& method, const std::string& path,
                     const std::function<bool(const std::string&)>& enabled) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace agora
