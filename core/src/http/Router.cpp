#include "http/Router.h"

#include <stdexcept>

namespace agora {

namespace {

std::vector<std::string> split(const std::string& path) {
    std::vector<std::string> out;
    size_t pos = 1;
    while (pos <= path.size()) {
        size_t slash = path.find('/', pos);
        if (slash == std::string::npos)
            slash = path.size();
        if (slash > pos)
            out.push_back(path.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return out;
}

bool isParam(const std::string& seg) {
    return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// HEAD requests are answered by GET routes, so the two methods share paths.
bool sameMethod(const std::string& a, const std::string& b) {
    auto norm = [](const std::string& m) { return m == "HEAD" ? std::string("GET") : m; };
    return norm(a) == norm(b);
}

std::string owner(const std::string& plugin) {
    return plugin.empty() ? "core" : "plugin " + plugin;
}

}  // namespace

bool Router::overlaps(const std::string& method_a, const std::string& pattern_a,
                      const std::string& method_b, const std::string& pattern_b) {
    if (!sameMethod(method_a, method_b))
        return false;  // same path, other method: the router answers each (or 405)
    auto a = split(pattern_a), b = split(pattern_b);
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!isParam(a[i]) && !isParam(b[i]) && a[i] != b[i])
            return false;  // two different literals: no path matches both
    return true;
}

void Router::add(std::string method, std::string pattern, Handler handler, std::string plugin) {
    for (const auto& r : routes_) {
        if (r.method == method && r.pattern == pattern)
            throw std::logic_error("route " + method + " " + pattern + " registered twice");
        if (overlaps(r.method, r.pattern, method, pattern))
            throw std::logic_error("route " + method + " " + pattern + " (" + owner(plugin) +
                                   ") overlaps " + r.method + " " + r.pattern + " (" +
                                   owner(r.plugin) + "): a path could match both");
    }
    Route r{std::move(method), pattern, std::move(handler), std::move(plugin), split(pattern)};
    routes_.push_back(std::move(r));
}

RouteMatch Router::match(const std::string& method, const std::string& path,
                         const std::function<bool(const std::string&)>& enabled) const {
    RouteMatch result;
    auto parts = split(path);
    for (const auto& r : routes_) {
        if (r.segments.size() != parts.size())
            continue;
        std::map<std::string, std::string> params;
        bool ok = true;
        for (size_t i = 0; i < parts.size() && ok; ++i) {
            const auto& seg = r.segments[i];
            if (isParam(seg))
                params[seg.substr(1, seg.size() - 2)] = parts[i];
            else
                ok = seg == parts[i];
        }
        if (!ok)
            continue;
        if (!r.plugin.empty() && !enabled(r.plugin))
            continue;
        if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
            result.method_mismatch = true;
            continue;
        }
        result.route = &r;
        result.params = std::move(params);
        result.method_mismatch = false;
        return result;
    }
    return result;
}

}  // namespace agora
