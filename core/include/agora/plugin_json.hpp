// Optional conveniences for plugins that speak JSON with nlohmann::json: bound parameters and
// rows for Call::query, the request's path and query parameters, and the sign-in / moderator /
// admin guards. Header-only, like plugin.hpp; a plugin using it links nlohmann_json.
#pragma once

#include <agora/plugin.hpp>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace agora::plugin {

using json = nlohmann::json;

// Bound parameters for Call::query, as the JSON array the host expects.
template <typename... A>
std::string args(const A&... values) {
    return json::array({json(values)...}).dump();
}

// Runs one statement and returns its rows (an array of column → value objects).
inline json rows(const Call& call, const std::string& sql, const std::string& params = "") {
    return json::parse(call.query(sql, params));
}

// SQL for a timestamptz expression as "2026-03-01T12:00:00Z".
inline std::string iso(const std::string& expr) {
    return "to_char((" + expr + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// JSON text for a response or a page; invalid UTF-8 from stored text never throws here.
inline std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Path segments and query parameters of the request being served.
struct Params {
    json path;   // {name} segments
    json query;  // decoded query string

    static Params of(const AgoraRequest& req) {
        return Params{json::parse(req.params_json && *req.params_json ? req.params_json : "{}"),
                      json::parse(req.query_json && *req.query_json ? req.query_json : "{}")};
    }
    // A path segment, "" when absent.
    std::string text(const std::string& name) const { return textOf(path, name); }
    // A positive numeric path segment; 404 otherwise (an id that can't exist is "not found",
    // as are another tenant's ids, which simply don't exist in this tenant's schema).
    int64_t id(const std::string& name) const {
        std::string v = text(name);
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoll(v) <= 0)
            throw Fail(404, "not_found", "not found");
        return std::stoll(v);
    }
    // A query parameter, "" when absent.
    std::string queryText(const std::string& name) const { return textOf(query, name); }
    // A query parameter, nullopt when absent.
    std::optional<std::string> queryParam(const std::string& name) const {
        auto it = query.find(name);
        if (it == query.end() || !it->is_string())
            return std::nullopt;
        return it->get<std::string>();
    }
    // A number from 1 to `max` in the query, `fallback` when absent or empty; 422 naming it
    // otherwise.
    int64_t queryNumber(const std::string& name, int64_t fallback, int64_t max) const {
        std::string v = queryText(name);
        if (v.empty())
            return fallback;
        if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
            throw Fail(422, "invalid", name + " must be a positive number", name);
        int64_t n = std::stoll(v);
        if (n < 1 || n > max)
            throw Fail(422, "invalid", name + " must be from 1 to " + std::to_string(max), name);
        return n;
    }
    // ?page= and ?per_page= (at most 100, 30 by default).
    int64_t page() const { return queryNumber("page", 1, 1000000); }
    int64_t perPage() const { return queryNumber("per_page", 30, 100); }

private:
    static std::string textOf(const json& j, const std::string& name) {
        auto it = j.find(name);
        return it == j.end() || !it->is_string() ? "" : it->get<std::string>();
    }
};

inline void requireSignedIn(const AgoraRequest& req) {
    if (!req.viewer_id)
        throw Fail(401, "unauthorized", "sign in required");
}

inline void requireModerator(const AgoraRequest& req) {
    requireSignedIn(req);
    if (!req.viewer_is_moderator)
        throw Fail(403, "moderator_required", "only this community's moderators may do that");
}

inline void requireAdmin(const AgoraRequest& req) {
    requireSignedIn(req);
    if (!req.viewer_is_admin)
        throw Fail(403, "admin_required", "only this community's admins may do that");
}

}  // namespace agora::plugin
