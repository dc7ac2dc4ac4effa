// /settings: the member's own profile, password, address, sessions, export and deletion, as
// forms (each with its CSRF token) over the same functions the API uses.
#include "accounts/AccountProfile.h"
#include "accounts/AccountSessions.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "util/Error.h"
#include "web/AccountSupport.h"
#include "web/Routes.h"

namespace agora {

namespace {

// The page with the account as stored, `overlay` on top (an error, the values just typed).
void renderSettings(RequestContext& ctx, const json& overlay = json::object(), int status = 200) {
    const auto& v = ctx.viewer();
    auto& c = ctx.db();
    auto r = c.q("SELECT username, email FROM network.accounts WHERE id = $1", v.account_id);
    if (r.empty())
        throw Error::unauthorized();
    json priv = accountPrivateFields(c, v.account_id);
    json sessions = AccountSessions::list(c, v.account_id, v.session_hash)["items"];
    json data = {{"title", "Settings"},
                 {"username", r.str(0, 0)},
                 {"email", r.str(0, 1)},
                 {"email_verified", priv["email_verified"]},
                 {"pending_email", priv["pending_email"]},
                 {"profile", priv["profile"]},
                 {"sessions", sessions},
                 {"account_id", v.account_id}};
    data.merge_patch(overlay);
    ctx.render("settings", data, status);
}

// Signed-in members only; others go to the login page and come back here.
bool signedIn(RequestContext& ctx) {
    if (ctx.viewer().signedIn())
        return true;
    ctx.redirect("/login?next=/settings");
    return false;
}

// Runs a form action; a refusal the member can fix re-renders the page with its message in
// the section it belongs to, anything else goes up to the dispatcher.
template <typename F>
Handler formAction(const char* section, const char* done, F action) {
    return [section, done, action](RequestContext& ctx) {
        if (!signedIn(ctx))
            return;
        try {
            action(ctx);
        } catch (const Error& e) {
            if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::Conflict &&
                e.kind() != ErrorCode::RateLimited && e.kind() != ErrorCode::NotFound)
                throw;
            if (e.retryAfterSeconds() > 0)
                ctx.res().header("Retry-After", std::to_string(e.retryAfterSeconds()));
            json overlay = {{"error", e.what()}, {"error_field", e.field()}};
            overlay["error_" + std::string(section)] = true;
            if (std::string(section) == "profile")
                overlay["profile"] = {{"display_name", ctx.input("display_name").value_or("")},
                                      {"bio", ctx.input("bio").value_or("")},
                                      {"website", ctx.input("website").value_or("")},
                                      {"location", ctx.input("location").value_or("")}};
            renderSettings(ctx, overlay, httpStatusFor(e.kind()));
            return;
        }
        if (ctx.res().status / 100 == 3)
            return;  // the action redirected (account deleted)
        ctx.flash(done);
        ctx.redirect("/settings");
    };
}

void settingsPage(RequestContext& ctx) {
    if (signedIn(ctx))
        renderSettings(ctx);
}

}  // namespace

void registerSettingsPages(Router& r) {
    r.add("GET", "/settings", settingsPage);
    r.add("POST", "/settings/profile",
          formAction("profile", "Profile saved.", [](RequestContext& ctx) {
              auto change = profileChangeFrom(ctx);
              applyProfileChange(ctx, ctx.viewer().account_id, change);
          }));
    r.add("POST", "/settings/password",
          formAction("password", "Password changed; your other sessions were signed out.",
                     [](RequestContext& ctx) {
                         changeOwnPassword(ctx, ctx.input("current_password").value_or(""),
                                           ctx.input("new_password").value_or(""));
                     }));
    r.add("POST", "/settings/email",
          formAction("email",
                     "Check your new address for a link: the change counts once it "
                     "is verified.",
                     [](RequestContext& ctx) {
                         changeOwnEmail(ctx, ctx.input("email").value_or(""),
                                        ctx.input("password").value_or(""));
                     }));
    r.add("POST", "/settings/verify",
          formAction("email", "A verification link is on its way.",
                     [](RequestContext& ctx) { resendVerification(ctx); }));
    r.add("POST", "/settings/sessions/{id}/revoke",
          formAction("sessions", "Session signed out.", [](RequestContext& ctx) {
              const auto& v = ctx.viewer();
              if (AccountSessions::revoke(ctx.db(), v.account_id, ctx.param("id"), v.session_hash))
                  ctx.setCookie("agora_session", "", 0);
          }));
    r.add("POST", "/settings/delete", formAction("delete", "", [](RequestContext& ctx) {
              if (ctx.input("confirm").value_or("") != "yes")
                  throw Error::invalid("confirm", "tick the box to confirm");
              deleteOwnAccount(ctx, ctx.input("password").value_or(""));
              ctx.flash("Your account has been deleted. Your posts stay, as a deleted member's.");
              ctx.redirect("/");
          }));
}

}  // namespace agora
