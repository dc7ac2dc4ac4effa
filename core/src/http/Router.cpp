#include "http/Router.h"

#include <stdexcept>

namespace agora {

static std::vector<std::string> split(const std::string& path) {
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

void Router::add(std::string method, std::string pattern, Handler handler, std::string plugin) {
    for (const auto& r : routes_)
        if (r.method == method && r.pattern == pattern)
            throw std::logic_error("route " + method + " " + pattern + " registered twice");
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
            if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}')
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
