// The abilities API (SPEC "Abilities plugin").
#include "AbilityActions.h"
#include "Registration.h"

namespace agora::abilities {

namespace {

void respond(const Call& call, int status, const json& body) {
    call.respondJson(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

void listAbilities(Call& call, const AgoraRequest&) {
    respond(call, 200, abilitiesJson(AbilityStore(call).config()));
}

void memberAbilities(Call& call, const AgoraRequest& req) {
    auto p = Params::of(req);
    AbilityStore store(call);
    auto member = store.member(p.id("id"));
    if (!member)
        throw Fail(404, "not_found", "no member " + p.text("id"));
    respond(call, 200, memberAbilitiesJson(call, store.config(), *member, req));
}

void holders(Call& call, const AgoraRequest& req) {
    requireModerator(req);
    auto p = Params::of(req);
    const auto& ability = abilityParam(p);
    int64_t page = p.page();
    int64_t per_page = p.perPage();
    respond(call, 200, holdersJson(call, AbilityStore(call).config(), ability, page, per_page));
}

void putThresholds(Call& call, const AgoraRequest& req) {
    auto change = thresholdsFromJson(std::string(req.body, req.body_len));
    respond(call, 200, changeThresholds(call, req, change));
}

void resume(Call& call, const AgoraRequest& req) {
    respond(call, 200, resumeReevaluation(call, req));
}

void adminState(Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    respond(call, 200, {{"reevaluations", incompleteReevaluations(call)}});
}

void preview(Call& call, const AgoraRequest& req) {
    auto change = thresholdsFromJson(std::string(req.body, req.body_len));
    respond(call, 200, previewThresholds(call, req, change));
}

plugin::RouteHandler moderation(ModeratorAction action) {
    return [action](Call& call, const AgoraRequest& req) {
        respond(call, 200, moderate(call, req, action));
    };
}

}  // namespace

void registerApiRoutes(plugin::Registrar& r) {
    r.route("GET", "/api/v1/abilities", listAbilities);
    r.route("GET", "/api/v1/abilities/{ability}/holders", holders);
    r.route("GET", "/api/v1/users/{id}/abilities", memberAbilities);
    r.route("PUT", "/api/v1/admin/abilities/{ability}", putThresholds);
    r.route("POST", "/api/v1/admin/abilities/{ability}/preview", preview);
    r.route("POST", "/api/v1/admin/abilities/{ability}/resume", resume);
    r.route("GET", "/api/v1/admin/abilities", adminState);
    r.route("POST", "/api/v1/users/{id}/abilities/{ability}/suspend",
            moderation(ModeratorAction::Suspend));
    r.route("POST", "/api/v1/users/{id}/abilities/{ability}/restore",
            moderation(ModeratorAction::Restore));
    r.route("POST", "/api/v1/users/{id}/abilities/{ability}/grant",
            moderation(ModeratorAction::Grant));
    r.route("POST", "/api/v1/users/{id}/abilities/{ability}/revoke",
            moderation(ModeratorAction::Revoke));
}

}  // namespace agora::abilities
