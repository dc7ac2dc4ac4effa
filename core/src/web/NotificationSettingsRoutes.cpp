// Notification mail choices: the API and the settings page (signed in), and the one-click
// unsubscribe link every notification mail carries (the token is the credential: no login).
#include "db/PgConnection.h"
#include "http/HttpRequest.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "notifications/NotificationPrefs.h"
#include "notifications/UnsubscribeTokens.h"
#include "util/Error.h"
#include "web/Routes.h"

namespace agora {

namespace {

const char* kSettingsPath = "/settings/notifications";
const std::string kUnsubscribePrefix = "/unsubscribe/";

void apiGet(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    ctx.sendJson(200, NotificationPrefs::load(ctx.db(), v.account_id).toJson());
}

void apiPut(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    const auto& body = ctx.body();
    db::Transaction tx(ctx.db());
    NotificationPrefs::update(ctx.db(), v.account_id, body);
    auto now = NotificationPrefs::load(ctx.db(), v.account_id).toJson();
    tx.commit();
    ctx.sendJson(200, now);
}

void page(RequestContext& ctx) {
    if (!ctx.viewer().signedIn()) {
        ctx.redirect(std::string("/login?next=") + kSettingsPath);
        return;
    }
    auto prefs = NotificationPrefs::load(ctx.db(), ctx.viewer().account_id);
    json types = json::array();
    for (const auto& t : notificationTypes()) {
        json options = json::array();
        for (auto m : {MailMode::Immediate, MailMode::Digest, MailMode::Off})
            options.push_back({{"value", mailModeName(m)},
                               {"label", m == MailMode::Immediate ? "Mail me at once"
                                         : m == MailMode::Digest  ? "In the daily digest"
                                                                  : "Don't mail me"},
                               {"selected", prefs.mode(t.name) == m}});
        types.push_back({{"name", t.name}, {"label", t.label}, {"options", options}});
    }
    ctx.render("notification_settings",
               {{"title", "Notification mail"}, {"types", types}, {"all_off", prefs.all_off}});
}

// One select per type ("mode:TYPE") and the "all mail off" box (sent only when ticked; the
// hidden "seen:all" says it was on the page). Same checks as the API: all or nothing.
void submit(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    const auto& form = ctx.form();
    json changes = json::object();
    for (const auto& [key, value] : form) {
        if (key.rfind("mode:", 0) == 0)
            changes[key.substr(5)] = value;
    }
    if (form.count("seen:all"))
        changes["all"] = form.count("all_off") ? "off" : "on";
    db::Transaction tx(ctx.db());
    NotificationPrefs::update(ctx.db(), v.account_id, changes);
    tx.commit();
    ctx.flash("Notification settings saved.");
    ctx.redirect(kSettingsPath);
}

bool unsubscribed(const MailPrefs& p, const std::string& scope) {
    if (scope == "all")
        return p.all_off;
    if (scope == "digest") {
        for (const auto& t : notificationTypes())
            if (p.mode(t.name) == MailMode::Digest)
                return false;
        return true;
    }
    return p.mode(scope) == MailMode::Off;
}

// Shows what the link would do and a button to do it. Changes nothing: mail scanners and
// link previews fetch links, and a GET must not unsubscribe anyone.
void unsubscribePage(RequestContext& ctx) {
    std::string token = ctx.param("token");
    auto grant = UnsubscribeTokens::find(ctx.db(), token);
    if (!grant) {
        ctx.render("unsubscribe", {{"title", "Unsubscribe"}, {"invalid", true}}, 404);
        return;
    }
    auto prefs = NotificationPrefs::load(ctx.db(), grant->account_id);
    ctx.render("unsubscribe", {{"title", "Unsubscribe"},
                               {"token", token},
                               {"what", NotificationPrefs::scopeLabel(grant->scope)},
                               {"done", unsubscribed(prefs, grant->scope)},
                               {"all_done", prefs.all_off},
                               {"settings_url", kSettingsPath}});
}

// POST /unsubscribe/TOKEN, answered ahead of the tenant routes: a mail client's one-click
// POST (RFC 8058: body "List-Unsubscribe=One-Click", no cookies) carries no CSRF token and
// needs none, as the token itself is the credential. A mail client gets 200; the page's own
// buttons (this link's scope, or "all=1": every notification mail) get sent back to the page.
bool unsubscribePost(Services& app, const HttpRequest& req, HttpResponse& res,
                     std::string& route_name) {
    if (req.method != "POST" || req.path.rfind(kUnsubscribePrefix, 0) != 0)
        return false;
    route_name = "/unsubscribe/{token}";
    std::string token = req.path.substr(kUnsubscribePrefix.size());
    bool one_click = req.body.find("List-Unsubscribe=One-Click") != std::string::npos;
    bool done = false;
    if (UnsubscribeTokens::wellFormed(token)) {
        auto lease = app.pool().acquire();
        db::Transaction tx(*lease);
        if (auto grant = UnsubscribeTokens::find(*lease, token)) {
            bool all = !one_click && parseUrlEncoded(req.body).count("all");
            done = NotificationPrefs::unsubscribe(*lease, grant->account_id,
                                                  all ? "all" : grant->scope);
        }
        tx.commit();
    }
    res.content_type = "text/plain; charset=utf-8";
    if (one_click) {
        res.status = done ? 200 : 404;
        res.body = done ? "Unsubscribed.\n" : "This unsubscribe link is not valid.\n";
    } else {
        res.status = 303;
        res.header("Location", UnsubscribeTokens::wellFormed(token) ? kUnsubscribePrefix + token
                                                                    : std::string("/"));
    }
    return true;
}

}  // namespace

void registerNotificationSettingsRoutes(Router& r, Services& services) {
    r.add("GET", "/api/v1/me/notification-settings", apiGet);
    r.add("PUT", "/api/v1/me/notification-settings", apiPut);
    r.add("GET", kSettingsPath, page);
    r.add("POST", kSettingsPath, submit);
    r.add("GET", "/unsubscribe/{token}", unsubscribePage);
    r.addNetworkHandler(
        [&services](const HttpRequest& req, HttpResponse& res, std::string& route_name) {
            return unsubscribePost(services, req, res, route_name);
        });
}

}  // namespace agora
