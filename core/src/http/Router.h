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

// Routes are added explicitly (registerXxxRoutes from one place). Matching takes the first
// route registered that fits, so two routes one path could reach would depend on the order
// they were added in: add() refuses a pattern that overlaps an existing one (std::logic_error
// naming both patterns and their owners, "core" or the plugin).
//
// Overlap is by shape, not text: same method (HEAD counts as GET), same number of segments,
// and at every position either the same literal or a {param} on at least one side. So
// /questions/{qid} overlaps /questions/{id}, and /questions/new overlaps /questions/{id} too
// (a literal is one value of a param: the router gives literals no priority). Different
// literals at any position (/tags/{name} and /flags/mine) never overlap.
class Router {
public:
    void add(std::string method, std::string pattern, Handler handler, std::string plugin = "");
    // True when some request could match both method + pattern pairs (see above).
    static bool overlaps(const std::string& method_a, const std::string& pattern_a,
                         const std::string& method_b, const std::string& pattern_b);
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
