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

private:
    std::vector<Route> routes_;
};

}  // namespace agora
