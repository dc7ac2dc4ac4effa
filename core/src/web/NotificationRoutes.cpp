// A member's inbox: the page, the API, and marking read. Only ever the viewer's own
// notifications, on the tenant serving the request.
#include "http/RequestContext.h"
#include "http/Router.h"
#include "notifications/NotificationService.h"
#include "util/Error.h"
#include "web/Routes.h"

namespace agora {

namespace {

int64_t number(RequestContext& ctx, const std::string& name, int64_t fallback) {
    auto v = ctx.req().param(name);
    if (v.empty())
        return fallback;
    if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        throw Error::invalid(name, name + " must be a positive number");
    return std::stoll(v);
}

struct Paging {
    int64_t page;
    int64_t per_page;
    bool unread_only;
};

Paging paging(RequestContext& ctx) {
    Paging p{number(ctx, "page", 1), number(ctx, "per_page", 30), false};
    if (p.page < 1)
        throw Error::invalid("page", "page must be 1 or more");
    if (p.per_page < 1 || p.per_page > 100)
        throw Error::invalid("per_page", "per_page must be between 1 and 100");
    auto unread = ctx.req().param("unread");
    if (!unread.empty() && unread != "0" && unread != "1" && unread != "true" && unread != "false")
        throw Error::invalid("unread", "unread must be 1 or 0");
    p.unread_only = unread == "1" || unread == "true";
    return p;
}

void apiList(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    auto p = paging(ctx);
    ctx.sendJson(
        200, NotificationService(ctx.db()).list(v.account_id, p.unread_only, p.page, p.per_page));
}

// {"ids": [1, 2]} marks those; no ids (or an empty body) marks every unread one.
void apiMarkRead(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    std::vector<int64_t> ids;
    if (!ctx.req().body.empty()) {
        const auto& b = ctx.body();
        if (!b.is_object())
            throw Error::badRequest("send an object: {\"ids\": [..]} or {}");
        if (auto it = b.find("ids"); it != b.end() && !it->is_null()) {
            if (!it->is_array())
                throw Error::invalid("ids", "ids must be an array of notification ids");
            for (const auto& id : *it) {
                if (!id.is_number_integer())
                    throw Error::invalid("ids", "ids must be an array of notification ids");
                ids.push_back(id.get<int64_t>());
            }
            if (ids.empty())
                throw Error::invalid("ids", "ids is empty; leave it out to mark everything read");
        }
    }
    NotificationService n(ctx.db());
    int64_t marked = n.markRead(v.account_id, ids);
    ctx.sendJson(200, {{"marked", marked}, {"unread", n.unreadCount(v.account_id)}});
}

void page(RequestContext& ctx) {
    if (!ctx.viewer().signedIn()) {
        ctx.redirect("/login?next=/notifications");
        return;
    }
    auto p = paging(ctx);
    auto list = NotificationService(ctx.db()).list(ctx.viewer().account_id, p.unread_only, p.page,
                                                   p.per_page);
    int64_t total = list["total"];
    int64_t pages = (total + p.per_page - 1) / p.per_page;
    json data = {{"title", "Inbox"},
                 {"items", list["items"]},
                 {"total", total},
                 {"unread", list["unread"]},
                 {"has_unread", list["unread"].get<int64_t>() > 0},
                 {"unread_only", p.unread_only}};
    std::string base = p.unread_only ? "/notifications?unread=1&" : "/notifications?";
    if (p.page > 1)
        data["prev_url"] = base + "page=" + std::to_string(p.page - 1);
    if (p.page < pages)
        data["next_url"] = base + "page=" + std::to_string(p.page + 1);
    ctx.render("notifications", data);
}

// Following a notification marks it read.
void open(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    auto link = NotificationService(ctx.db()).open(v.account_id, ctx.idParam("id"));
    if (!link)
        throw Error::notFound("no such notification");
    ctx.redirect(link->empty() ? "/notifications" : *link);
}

void markReadForm(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    std::vector<int64_t> ids;
    if (auto id = ctx.input("id"); id && !id->empty()) {
        if (id->size() > 18 || id->find_first_not_of("0123456789") != std::string::npos)
            throw Error::invalid("id", "id must be a notification id");
        ids.push_back(std::stoll(*id));
    }
    int64_t marked = NotificationService(ctx.db()).markRead(v.account_id, ids);
    ctx.flash(marked == 1 ? "1 notification marked read."
                          : std::to_string(marked) + " notifications marked read.");
    ctx.redirect("/notifications");
}

}  // namespace

void registerNotificationRoutes(Router& r) {
    r.add("GET", "/api/v1/notifications", apiList);
    r.add("POST", "/api/v1/notifications/read", apiMarkRead);
    r.add("GET", "/notifications", page);
    r.add("POST", "/notifications/read", markReadForm);
    r.add("GET", "/notifications/{id}", open);
}

}  // namespace agora
