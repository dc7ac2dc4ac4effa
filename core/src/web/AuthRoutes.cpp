#include "accounts/AccountService.h"
#include "accounts/AuthThrottle.h"
#include "accounts/EmailVerification.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "util/Error.h"
#include "web/AccountSupport.h"
#include "web/Routes.h"

namespace agora {

namespace {

json accountJson(db::PgConnection& c, int64_t account_id) {
    auto r =
        c.q("SELECT a.id, a.username, a.display_name, m.role, "
            "       to_char(m.joined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS "
            "joined "
            "FROM network.accounts a LEFT JOIN members m ON m.id = a.id WHERE a.id = $1",
            account_id);
    if (r.empty())
        throw Error::notFound();
    return {{"id", r.i64(0, "id")},
            {"username", r.str(0, "username")},
            {"display_name", r.str(0, "display_name")},
            {"role", r.isNull(0, "role") ? "member" : r.str(0, "role")},
            {"joined_at", r.str(0, "joined")}};
}

// Only same-site relative paths: an open redirect would make the login page a phishing aid.
std::string safeNext(const std::string& next) {
    return sameSitePath(next) ? next : "/";
}

NewAccount accountFromInput(RequestContext& ctx) {
    NewAccount a;
    a.username = ctx.input("username").value_or("");
    a.email = ctx.input("email").value_or("");
    a.password = ctx.input("password").value_or("");
    a.display_name = ctx.input("display_name").value_or("");
    return a;
}

// One login attempt through the throttles (per account, per client address): a refused one
// (429) costs no Argon2id, an admitted one exactly one. Outside the request's transaction, so a
// failure stays counted whatever the request does next.
std::optional<int64_t> attemptLogin(RequestContext& ctx, const std::string& login,
                                    const std::string& password) {
    auto& c = ctx.db();
    auto& throttle = ctx.services().authThrottle();
    auto candidate = AccountService::findLogin(c, login);
    auto ticket = throttle.admitLogin(c, ctx.req().remote, loginThrottleKey(login, candidate));
    std::optional<int64_t> id;
    try {
        id = AccountService::verify(candidate, password);
    } catch (...) {
        throttle.release(ticket);
        throw;
    }
    if (id)
        throttle.release(ticket);  // only failures count
    else
        throttle.keep(c, ticket);
    return id;
}

// A staging copy's members are production's, copied by `agora tenant stage`: signing in there
// never makes anyone a member, and whoever isn't one gets no session either.
void joinOrCheckStaging(RequestContext& ctx, int64_t account_id) {
    auto& c = ctx.db();
    if (!ctx.tenant().isStaging()) {
        AccountService::ensureMembership(c, ctx.tenant(), account_id);
        return;
    }
    if (c.q("SELECT 1 FROM network.memberships WHERE account_id = $1 AND tenant_id = $2",
            account_id, ctx.tenant().id)
            .empty())
        throw Error::forbidden("staging_admins_only",
                               "staging is open to this community's admins only");
}

// Sign-ups per client address; the slot is kept only when an account was created.
template <typename F>
void throttledSignup(RequestContext& ctx, F&& create) {
    auto& throttle = ctx.services().authThrottle();
    auto ticket = throttle.admitSignup(ctx.db(), ctx.req().remote);
    try {
        create();
    } catch (...) {
        throttle.release(ticket);
        throw;
    }
    throttle.keep(ctx.db(), ticket);
}

void loginPage(RequestContext& ctx) {
    ctx.render("login", {{"title", "Log in"}, {"next", safeNext(ctx.req().param("next"))}});
}

void loginSubmit(RequestContext& ctx) {
    auto login = ctx.input("login").value_or("");
    auto password = ctx.input("password").value_or("");
    auto next = safeNext(ctx.input("next").value_or("/"));
    auto& c = ctx.db();
    std::optional<int64_t> id;
    try {
        id = attemptLogin(ctx, login, password);
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::RateLimited)
            throw;
        ctx.render(
            "login",
            {{"title", "Log in"},
             {"next", next},
             {"login", login},
             {"error", "Too many failed attempts: " + std::string(e.what()) + ". Try again in " +
                           std::to_string((e.retryAfterSeconds() + 59) / 60) + " minutes."}},
            429);
        ctx.res().header("Retry-After", std::to_string(e.retryAfterSeconds()));
        return;
    }
    if (!id) {
        ctx.render("login",
                   {{"title", "Log in"},
                    {"next", next},
                    {"login", login},
                    {"error", "That username or email and password don't match an account."}},
                   401);
        return;
    }
    db::Transaction tx(c);
    joinOrCheckStaging(ctx, *id);
    startCookieSession(ctx, *id);
    tx.commit();
    ctx.redirect(next);
}

void signupPage(RequestContext& ctx) {
    ctx.render("signup", {{"title", "Sign up"}});
}

void signupSubmit(RequestContext& ctx) {
    auto a = accountFromInput(ctx);
    auto& c = ctx.db();
    try {
        throttledSignup(ctx, [&] {
            db::Transaction tx(c);
            int64_t id = AccountService::createAccount(c, a);
            joinOrCheckStaging(ctx, id);
            EmailVerification::sendForCurrent(c, ctx.tenant(), id);
            startCookieSession(ctx, id);
            tx.commit();
        });
        ctx.flash("Welcome to " + ctx.tenant().name + "!");
        ctx.redirect("/");
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::Conflict &&
            e.kind() != ErrorCode::RateLimited)
            throw;
        if (e.retryAfterSeconds() > 0)
            ctx.res().header("Retry-After", std::to_string(e.retryAfterSeconds()));
        ctx.render("signup",
                   {{"title", "Sign up"},
                    {"username", a.username},
                    {"email", a.email},
                    {"display_name", a.display_name},
                    {"error", e.what()},
                    {"error_field", e.field()}},
                   httpStatusFor(e.kind()));
    }
}

void logout(RequestContext& ctx) {
    const auto& v = ctx.viewer();
    if (v.signedIn())
        AccountService::revoke(ctx.db(), v.session_hash);
    ctx.setCookie("agora_session", "", 0);
    ctx.redirect("/");
}

void apiCreateUser(RequestContext& ctx) {
    auto a = accountFromInput(ctx);
    auto& c = ctx.db();
    int64_t id = 0;
    json user;
    throttledSignup(ctx, [&] {
        db::Transaction tx(c);
        id = AccountService::createAccount(c, a);
        joinOrCheckStaging(ctx, id);
        // The link to prove the address goes out with the account, in its transaction.
        EmailVerification::sendForCurrent(c, ctx.tenant(), id);
        user = accountJson(c, id);
        tx.commit();
    });
    ctx.res().header("Location", "/api/v1/users/" + std::to_string(id));
    ctx.sendJson(201, user);
}

void apiCreateSession(RequestContext& ctx) {
    auto login = ctx.input("login").value_or("");
    auto password = ctx.input("password").value_or("");
    if (login.empty())
        throw Error::invalid("login", "login is required");
    auto& c = ctx.db();
    auto id = attemptLogin(ctx, login, password);
    if (!id)
        throw Error::unauthorized("that login and password don't match an account");
    db::Transaction tx(c);
    joinOrCheckStaging(ctx, *id);
    auto bearer =
        AccountService::createSession(c, ctx.tenant(), *id, AuthKind::Bearer, sessionOrigin(ctx));
    startCookieSession(ctx, *id);
    auto user = accountJson(c, *id);
    tx.commit();
    ctx.sendJson(200, {{"token", bearer.token}, {"user", user}});
}

void apiDeleteSession(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    AccountService::revoke(ctx.db(), v.session_hash);
    if (v.auth == AuthKind::Cookie)
        ctx.setCookie("agora_session", "", 0);
    ctx.sendJson(200, {{"signed_out", true}});
}

}  // namespace

void registerAuthRoutes(Router& router) {
    router.add("GET", "/login", loginPage);
    router.add("POST", "/login", loginSubmit);
    router.add("GET", "/signup", signupPage);
    router.add("POST", "/signup", signupSubmit);
    router.add("POST", "/logout", logout);
    router.add("POST", "/api/v1/users", apiCreateUser);
    router.add("POST", "/api/v1/session", apiCreateSession);
    router.add("DELETE", "/api/v1/session", apiDeleteSession);
}

}  // namespace agora
