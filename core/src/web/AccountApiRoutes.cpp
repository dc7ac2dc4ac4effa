// The account API of SPEC §5.1: password reset, address verification and change, password
// change, sessions, profile, the communities an account belongs to, export and deletion.
#include "accounts/AccountCommunities.h"
#include "accounts/AccountPrivacy.h"
#include "accounts/AccountSessions.h"
#include "accounts/PasswordReset.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "tenancy/AuditLog.h"
#include "util/Error.h"
#include "web/AccountSupport.h"
#include "web/Routes.h"

namespace agora {

namespace {

// One answer whatever the login names, so the API can't be asked who has an account.
const json kResetAccepted = {
    {"status", "accepted"},
    {"message",
     "If an account matches, a link to reset its password is on its way to the "
     "account's email address. The link works once, for an hour."}};

std::string requiredInput(RequestContext& ctx, const std::string& name) {
    auto v = ctx.input(name);
    if (!v || v->empty())
        throw Error::invalid(name, name + " is required");
    return *v;
}

void requestReset(RequestContext& ctx) {
    requestPasswordReset(ctx, requiredInput(ctx, "login"));
    ctx.sendJson(202, kResetAccepted);
}

void completeReset(RequestContext& ctx) {
    auto& c = ctx.db();
    std::string token = ctx.param("token");
    std::string hash = PasswordReset::prepare(c, token, ctx.input("password").value_or(""));
    db::Transaction tx(c);
    int64_t id = PasswordReset::complete(c, token, hash, ctx.tenant().id);
    tx.commit();
    ctx.sendJson(200, {{"status", "password_changed"}, {"account_id", id}});
}

void sendVerification(RequestContext& ctx) {
    resendVerification(ctx);
    ctx.sendJson(202, {{"status", "sent"}});
}

void changeEmail(RequestContext& ctx) {
    std::string email = ctx.input("email").value_or("");
    changeOwnEmail(ctx, email, ctx.input("password").value_or(""));
    ctx.sendJson(202, {{"status", "verification_sent"}, {"pending_email", email}});
}

void changePassword(RequestContext& ctx) {
    int64_t revoked = changeOwnPassword(ctx, ctx.input("current_password").value_or(""),
                                        ctx.input("new_password").value_or(""));
    ctx.sendJson(200, {{"status", "password_changed"}, {"revoked_sessions", revoked}});
}

void listSessions(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    ctx.sendJson(200, AccountSessions::list(ctx.db(), v.account_id, v.session_hash));
}

void revokeSession(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    std::string id = ctx.param("id");
    bool current = AccountSessions::revoke(ctx.db(), v.account_id, id, v.session_hash);
    if (current && v.auth == AuthKind::Cookie)
        ctx.setCookie("agora_session", "", 0);
    ctx.sendJson(200, {{"id", id}, {"revoked", true}, {"current", current}});
}

json profileOf(RequestContext& ctx, int64_t account_id) {
    auto r = ctx.db().q("SELECT username FROM network.accounts WHERE id = $1", account_id);
    json p = AccountProfile::publicProfile(ctx.db(), account_id);
    p["id"] = account_id;
    p["username"] = r.empty() ? "" : r.str(0, 0);
    return p;
}

void patchMe(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    auto change = profileChangeFrom(ctx);
    if (!change.empty())
        applyProfileChange(ctx, v.account_id, change);
    ctx.sendJson(200, profileOf(ctx, v.account_id));
}

// Moderators may correct a member's profile (spam links, an abusive name). The profile is the
// account's, network-wide; the change is audited in this community.
void patchUser(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    int64_t id = ctx.idParam("id");
    auto& c = ctx.db();
    auto target =
        c.q("SELECT a.is_staff FROM members m JOIN network.accounts a ON a.id = m.id "
            "WHERE m.id = $1",
            id);
    if (target.empty())
        throw Error::notFound("no member " + std::to_string(id));
    if (id != v.account_id && !v.isModerator())
        throw Error::forbidden("moderator_required", "only moderators edit others' profiles");
    if (target.boolean(0, 0) && !v.is_staff && id != v.account_id)
        throw Error::forbidden("staff_profile", "network staff profiles are edited by staff");
    auto change = profileChangeFrom(ctx);
    if (!change.empty()) {
        // Which fields, not their values: the audit log keeps no personal data.
        json fields = json::array();
        for (auto [name, given] : {std::pair{"display_name", change.display_name.has_value()},
                                   {"bio", change.bio_md.has_value()},
                                   {"website", change.website.has_value()},
                                   {"location", change.location.has_value()}})
            if (given)
                fields.push_back(name);
        applyProfileChange(ctx, id, change, [&](db::PgConnection& tc) {
            auditLog(tc, ctx.tenant().id, v.account_id, "profile.edited",
                     "account:" + std::to_string(id), nullptr, {{"fields", fields}});
        });
    }
    ctx.sendJson(200, profileOf(ctx, id));
}

void networkMe(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    json out = AccountCommunities::list(ctx.db(), v.account_id);
    for (auto& item : out["items"])
        item["url"] = communityUrl(ctx, item["host"].get<std::string>());
    ctx.sendJson(200, out);
}

void exportMe(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    json data = AccountPrivacy::exportData(ctx.db(), v.account_id);
    ctx.res().header("Content-Disposition", "attachment; filename=\"agora-account-" +
                                                std::to_string(v.account_id) + ".json\"");
    ctx.res().header("Cache-Control", "no-store");
    ctx.sendJson(200, data);
}

void deleteMe(RequestContext& ctx) {
    deleteOwnAccount(ctx, ctx.input("password").value_or(""));
    ctx.sendJson(200, {{"status", "deleted"}});
}

}  // namespace

void registerAccountApiRoutes(Router& r) {
    r.add("POST", "/api/v1/password-reset", requestReset);
    r.add("POST", "/api/v1/password-reset/{token}", completeReset);
    r.add("POST", "/api/v1/me/email-verification", sendVerification);
    r.add("PUT", "/api/v1/me/email", changeEmail);
    r.add("PUT", "/api/v1/me/password", changePassword);
    r.add("GET", "/api/v1/me/sessions", listSessions);
    r.add("DELETE", "/api/v1/me/sessions/{id}", revokeSession);
    r.add("PATCH", "/api/v1/me", patchMe);
    r.add("DELETE", "/api/v1/me", deleteMe);
    r.add("GET", "/api/v1/me/export", exportMe);
    r.add("PATCH", "/api/v1/users/{id}", patchUser);
    r.add("GET", "/api/v1/network/me", networkMe);
}

}  // namespace agora
