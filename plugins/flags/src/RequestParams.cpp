#include "RequestParams.h"

#include "FlagRules.h"

namespace agora::flags {

namespace {

int64_t positiveNumber(const Params& p, const std::string& name, int64_t fallback, int64_t max) {
    std::string v = p.queryText(name);
    if (v.empty())
        return fallback;
    if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        throw Fail(422, "invalid", name + " must be a positive number", name);
    int64_t n = std::stoll(v);
    if (n < 1 || n > max)
        throw Fail(422, "invalid", name + " must be from 1 to " + std::to_string(max), name);
    return n;
}

}  // namespace

Params Params::of(const AgoraRequest& req) {
    return Params{json::parse(req.params_json && *req.params_json ? req.params_json : "{}"),
                  json::parse(req.query_json && *req.query_json ? req.query_json : "{}")};
}

int64_t Params::id(const std::string& name) const {
    auto it = path.find(name);
    std::string v = it == path.end() || !it->is_string() ? "" : it->get<std::string>();
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoll(v) <= 0)
        throw Fail(404, "not_found", "not found");
    return std::stoll(v);
}

std::string Params::queryText(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() || !it->is_string() ? "" : it->get<std::string>();
}

int64_t Params::page() const {
    return positiveNumber(*this, "page", 1, 1000000);
}

int64_t Params::perPage() const {
    return positiveNumber(*this, "per_page", 30, 100);
}

void requireSignedIn(const AgoraRequest& req) {
    if (!req.viewer_id)
        throw Fail(401, "unauthorized", "sign in required");
}

void requireModerator(const AgoraRequest& req) {
    requireSignedIn(req);
    if (!req.viewer_is_moderator)
        throw Fail(403, "moderator_required", "only this community's moderators may do that");
}

void requireAdmin(const AgoraRequest& req) {
    requireSignedIn(req);
    if (!req.viewer_is_admin)
        throw Fail(403, "admin_required", "only this community's admins may do that");
}

std::optional<std::string> textInput(const Call& call, const std::string& name) {
    std::string v;
    if (!call.input(name, v))
        return std::nullopt;
    return trim(v);
}

std::string boundedInput(const Call& call, const std::string& name, size_t max) {
    std::string v = textInput(call, name).value_or("");
    if (utf8Length(v) > max)
        throw Fail(422, "invalid", name + " must be at most " + std::to_string(max) + " characters",
                   name);
    return v;
}

json listJson(json items, int64_t page, int64_t per_page, int64_t total) {
    return {{"items", std::move(items)}, {"page", page}, {"per_page", per_page}, {"total", total}};
}

}  // namespace agora::flags
