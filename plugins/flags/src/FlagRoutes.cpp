// The flags API (SPEC "Flags plugin"), plus single flags, per-member counts and the admin
// side of flag types.
#include "FlagActions.h"
#include "Registration.h"

namespace agora::flags {

namespace {

void respond(const Call& call, int status, const json& body) {
    call.respondJson(status, dump(body));
}

json typesJson(const std::vector<FlagType>& types) {
    json items = json::array();
    for (const auto& t : types)
        items.push_back(t.toJson());
    return items;
}

// Members pick from the active types; admins see the retired ones too with ?all=1.
void listTypes(Call& call, const AgoraRequest& req) {
    requireSignedIn(req);
    auto p = Params::of(req);
    bool all = parseBool(p.queryText("all")).value_or(false);
    if (all && !req.viewer_is_admin)
        throw Fail(403, "admin_required", "only this community's admins see inactive flag types");
    // ?target=post|comment: only the types a flag on that kind of target may use.
    std::string target = p.queryText("target");
    if (!target.empty() && target != "post" && target != "comment")
        throw Fail(422, "invalid", "target must be post or comment", "target");
    auto types = FlagTypeStore(call).list(all);
    std::erase_if(types, [&](const FlagType& t) {
        return !target.empty() &&
               !t.appliesTo(target == "post" ? TargetKind::Post : TargetKind::Comment);
    });
    auto items = typesJson(types);
    int64_t total = static_cast<int64_t>(items.size());
    respond(call, 200, listJson(std::move(items), 1, std::max<int64_t>(total, 1), total));
}

void createType(Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    auto change = FlagTypeChange::fromJson(std::string(req.body, req.body_len));
    call.begin();
    auto type = FlagTypeStore(call).create(change);
    call.audit("type.create", "flag_type:" + std::to_string(type.id), "", dump(type.toJson()));
    call.commit();
    respond(call, 201, type.toJson());
}

void updateType(Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    int64_t id = Params::of(req).id("id");
    auto change = FlagTypeChange::fromJson(std::string(req.body, req.body_len));
    call.begin();
    FlagTypeStore store(call);
    // Read under the lock update() takes: a concurrent change is never written back stale.
    store.lockTypes();
    auto current = store.find(id);
    if (!current)
        throw Fail(404, "not_found", "no flag type " + std::to_string(id));
    auto type = store.update(*current, change);
    call.audit("type.update", "flag_type:" + std::to_string(id), dump(current->toJson()),
               dump(type.toJson()));
    call.commit();
    respond(call, 200, type.toJson());
}

plugin::RouteHandler raise(TargetKind kind) {
    return [kind](Call& call, const AgoraRequest& req) {
        int64_t id = Params::of(req).id("id");
        respond(call, 201, raiseFlag(call, req, kind, id));
    };
}

void list(Call& call, const AgoraRequest& req) {
    requireSignedIn(req);
    auto p = Params::of(req);
    auto filter = statusFilter(p);
    bool mine = parseBool(p.queryText("mine")).value_or(false);
    respond(call, 200, listFlags(call, req, filter, mine, p.page(), p.perPage()));
}

void get(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    respond(call, 200, getFlag(call, req, id));
}

void resolve(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    respond(call, 200, resolveFlag(call, req, id));
}

void escalate(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    respond(call, 200, escalateFlag(call, req, id));
}

void summary(Call& call, const AgoraRequest& req) {
    requireModerator(req);
    int64_t id = Params::of(req).id("id");
    respond(call, 200, flagSummary(call, req, id));
}

}  // namespace

void registerApiRoutes(plugin::Registrar& r) {
    r.route("GET", "/api/v1/flag-types", listTypes);
    r.route("POST", "/api/v1/admin/flag-types", createType);
    r.route("PATCH", "/api/v1/admin/flag-types/{id}", updateType);
    r.route("POST", "/api/v1/posts/{id}/flags", raise(TargetKind::Post));
    r.route("POST", "/api/v1/comments/{id}/flags", raise(TargetKind::Comment));
    r.route("GET", "/api/v1/flags", list);
    r.route("GET", "/api/v1/flags/{id}", get);
    r.route("POST", "/api/v1/flags/{id}/resolve", resolve);
    r.route("POST", "/api/v1/flags/{id}/escalate", escalate);
    r.route("GET", "/api/v1/users/{id}/flag-summary", summary);
}

}  // namespace agora::flags
