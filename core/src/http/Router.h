#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace agora {

class RequestContext;
struct HttpRequest;
struct HttpResponse;
using Handler = std::function<void(RequestContext&)>;
// Answers a request whatever its host, before any tenant is looked up (/healthz, /metrics):
// returns false when the request isn't one of its own, else sets `route_name` (the metrics
// label) and the response.
using NetworkHandler =
    std::function<bool(const HttpRequest& req, HttpResponse& res, std::string& route_name)>;

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

    // Network handlers are asked in registration order, before tenant routes.
    void addNetworkHandler(NetworkHandler handler) { network_.push_back(std::move(handler)); }
    // True when a network handler answered the request.
    bool handleNetwork(const HttpRequest& req, HttpResponse& res, std::string& route_name) const {
        for (const auto& h : network_)
            if (h(req, res, route_name))
                return true;
        return false;
    }

private:
    std::vector<Route> routes_;
    std::vector<NetworkHandler> network_;
};

}  // namespace agora
