// Pages around an account that need no signed-in viewer (forgot / reset password, the address
// verification link, avatars) and the network page of the communities one belongs to.
#include "accounts/AccountCommunities.h"
#include "accounts/AccountTokens.h"
#include "accounts/EmailVerification.h"
#include "accounts/Identicon.h"
#include "accounts/PasswordReset.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "util/Error.h"
#include "web/AccountSupport.h"
#include "web/Routes.h"

namespace agora {

namespace {

const char* kResetSent =
    "If an account matches, a link to reset its password is on its way to its email address. "
    "It works once, for an hour.";

void forgotPage(RequestContext& ctx) {
    ctx.render("forgot", {{"title", "Reset your password"}});
}

void forgotSubmit(RequestContext& ctx) {
    std::string login = ctx.input("login").value_or("");
    if (login.empty()) {
        ctx.render(
            "forgot",
            {{"title", "Reset your password"}, {"error", "Enter your username or email address."}},
            422);
        return;
    }
    try {
        requestPasswordReset(ctx, login);
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::RateLimited)
            throw;
        ctx.res().header("Retry-After", std::to_string(e.retryAfterSeconds()));
        ctx.render("forgot",
                   {{"title", "Reset your password"},
                    {"login", login},
                    {"error", "Too many reset requests: try again later."}},
                   429);
        return;
    }
    ctx.flash(kResetSent);
    ctx.redirect("/login");
}

void renderGone(RequestContext& ctx) {
    ctx.render("reset", {{"title", "Link expired"}, {"gone", true}}, 410);
}

void resetPage(RequestContext& ctx) {
    if (!AccountTokens::peek(ctx.db(), ctx.param("token"), TokenPurpose::Reset)) {
        renderGone(ctx);
        return;
    }
    ctx.render("reset", {{"title", "Choose a new password"}, {"token", ctx.param("token")}});
}

// Sets the password, signs the member out everywhere, then in here (on a live community; a
// staging copy sends them to its login page instead).
void resetSubmit(RequestContext& ctx) {
    auto& c = ctx.db();
    std::string token = ctx.param("token");
    std::string hash;
    try {
        hash = PasswordReset::prepare(c, token, ctx.input("password").value_or(""));
    } catch (const Error& e) {
        if (e.kind() == ErrorCode::Gone)
            return renderGone(ctx);
        if (e.kind() != ErrorCode::Invalid)
            throw;
        ctx.render("reset",
                   {{"title", "Choose a new password"}, {"token", token}, {"error", e.what()}},
                   422);
        return;
    }
    db::Transaction tx(c);
    int64_t id = PasswordReset::complete(c, token, hash, ctx.tenant().id);
    bool sign_in = !ctx.tenant().isStaging();
    if (sign_in) {
        AccountService::ensureMembership(c, ctx.tenant(), id);
        startCookieSession(ctx, id);
    }
    tx.commit();
    ctx.flash(sign_in ? "Your password has been changed and you are signed in. Every other "
                        "session of your account was signed out."
                      : "Your password has been changed. Log in with it.");
    ctx.redirect(sign_in ? "/" : "/login");
}

void verifyPage(RequestContext& ctx) {
    auto& c = ctx.db();
    try {
        db::Transaction tx(c);
        std::string email = EmailVerification::confirm(c, ctx.param("token"));
        tx.commit();
        ctx.render("verified", {{"title", "Address verified"}, {"email", email}});
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Gone && e.kind() != ErrorCode::Conflict)
            throw;
        ctx.render("verified", {{"title", "Link not valid"}, {"error", e.what()}},
                   httpStatusFor(e.kind()));
    }
}

void avatar(RequestContext& ctx) {
    int64_t id = ctx.idParam("id");
    ctx.res().status = 200;
    ctx.res().content_type = "image/svg+xml";
    // Drawn from the id alone: the same picture forever, so caches may keep it.
    ctx.res().header("Cache-Control", "public, max-age=604800, immutable");
    ctx.res().header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    ctx.res().body = identiconSvg(id);
}

void networkPage(RequestContext& ctx) {
    if (!ctx.viewer().signedIn())
        return ctx.redirect("/login?next=/network/me");
    json list = AccountCommunities::list(ctx.db(), ctx.viewer().account_id);
    for (auto& item : list["items"])
        item["url"] = communityUrl(ctx, item["host"].get<std::string>());
    ctx.render("network_me", {{"title", "Your communities"}, {"communities", list["items"]}});
}

}  // namespace

void registerAccountPages(Router& r) {
    r.add("GET", "/forgot", forgotPage);
    r.add("POST", "/forgot", forgotSubmit);
    r.add("GET", "/reset/{token}", resetPage);
    r.add("POST", "/reset/{token}", resetSubmit);
    r.add("GET", "/verify/{token}", verifyPage);
    r.add("GET", "/users/{id}/avatar.svg", avatar);
    r.add("GET", "/network/me", networkPage);
}

}  // namespace agora
