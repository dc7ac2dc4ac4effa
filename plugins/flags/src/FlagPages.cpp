// HTML pages: the flag form for a post or comment, the moderators' dashboard /mod/flags, a
// member's own flags (/flags/mine) and the admins' flag types (/admin/flag-types). Every page
// works without JavaScript; form posts redirect back with a flash message.
#include <cctype>

#include "FlagActions.h"
#include "Registration.h"

namespace agora::flags {

namespace {

std::string ageText(const json& seconds) {
    int64_t s = seconds.is_number_integer() ? seconds.get<int64_t>() : 0;
    if (s < 60)
        return "just now";
    if (s < 3600)
        return std::to_string(s / 60) + " min ago";
    if (s < 86400)
        return std::to_string(s / 3600) + " h ago";
    return std::to_string(s / 86400) + " d ago";
}

// Anonymous visitors of a page go to the login form and come back. The path is
// percent-encoded into the query: it is decoded, and may hold anything a link can carry.
bool sendToLogin(const Call& call, const AgoraRequest& req) {
    if (req.viewer_id)
        return false;
    static const char* hex = "0123456789ABCDEF";
    std::string next;
    for (const char* p = req.path; *p; ++p) {
        auto c = static_cast<unsigned char>(*p);
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            next += static_cast<char>(c);
        } else {
            next += '%';
            next += hex[c >> 4];
            next += hex[c & 15];
        }
    }
    call.redirect("/login?next=" + next);
    return true;
}

const char* kindWord(TargetKind kind) {
    return kind == TargetKind::Post ? "post" : "comment";
}

std::string flagPath(TargetKind kind, int64_t id) {
    return std::string(kind == TargetKind::Post ? "/posts/" : "/comments/") + std::to_string(id) +
           "/flag";
}

Target visibleTarget(const Call& call, const AgoraRequest& req, TargetKind kind, int64_t id) {
    auto target = FlagStore(call).target(kind, id);
    if (!target)
        throw Fail(404, "not_found",
                   std::string("no ") + kindWord(kind) + " " + std::to_string(id));
    if (target->author_id == req.viewer_id)
        throw Fail(403, kind == TargetKind::Post ? "own_post" : "own_comment",
                   std::string("you can't flag your own ") + kindWord(kind));
    return *target;
}

void renderForm(const Call& call, int status, TargetKind kind, const Target& target,
                const std::string& chosen, const std::string& reason, const std::string& error) {
    json types = json::array();
    for (const auto& t : FlagTypeStore(call).list(false)) {
        if (!t.appliesTo(kind))
            continue;
        auto j = t.toJson();
        j["checked"] = std::to_string(t.id) == chosen;
        types.push_back(j);
    }
    call.respondPage(status, "flag_form",
                     dump({{"title", std::string("Flag this ") + kindWord(kind)},
                           {"kind", kindWord(kind)},
                           {"action", flagPath(kind, target.id)},
                           {"target",
                            {{"title", target.title},
                             {"excerpt", excerpt(target.text, 300)},
                             {"link", target.link()}}},
                           {"types", types},
                           {"reason", reason},
                           {"error", error},
                           {"max_reason", kMaxReason}}));
}

plugin::RouteHandler flagForm(TargetKind kind) {
    return [kind](Call& call, const AgoraRequest& req) {
        if (sendToLogin(call, req))
            return;
        int64_t id = Params::of(req).id("id");
        auto target = visibleTarget(call, req, kind, id);
        renderForm(call, 200, kind, target, "", "", "");
    };
}

plugin::RouteHandler flagSubmit(TargetKind kind) {
    return [kind](Call& call, const AgoraRequest& req) {
        requireSignedIn(req);
        int64_t id = Params::of(req).id("id");
        auto target = visibleTarget(call, req, kind, id);
        try {
            auto flag = raiseFlag(call, req, kind, id);
            call.flash("Thanks: your \"" + flag["type"]["name"].get<std::string>() +
                       "\" flag was recorded. You'll be told what came of it.");
        } catch (const Fail& f) {
            if (f.status() == 422) {
                // Same form again, with what was typed and what is wrong.
                renderForm(call, 422, kind, target, textInput(call, "type").value_or(""),
                           textInput(call, "reason").value_or(""), f.what());
                return;
            }
            if (f.status() != 409 && f.status() != 429)
                throw;
            call.flash(f.what());
        }
        call.redirect(target.link());
    };
}

json decorate(json item, const FlagViewer& viewer) {
    bool pending = item["status"] == "pending";
    bool handler = item.contains("handler");  // the handler's view of it
    bool own = item["flagger"]["id"] == viewer.id;
    bool escalated = item.value("escalated", false);
    item["pending"] = pending;
    item["age"] = ageText(item["age_seconds"]);
    item["can_handle"] = pending && handler && (viewer.moderator || !own);
    item["can_escalate"] = pending && handler && !escalated && (viewer.moderator || !own);
    return item;
}

void pageLinks(json& data, const std::string& base, int64_t page, int64_t per_page, int64_t total) {
    int64_t pages = std::max<int64_t>(1, (total + per_page - 1) / per_page);
    std::string sep = base.find('?') == std::string::npos ? "?" : "&";
    data["page"] = page;
    data["pages"] = pages;
    if (page > 1)
        data["prev_url"] = base + sep + "page=" + std::to_string(page - 1);
    if (page < pages)
        data["next_url"] = base + sep + "page=" + std::to_string(page + 1);
}

void dashboard(Call& call, const AgoraRequest& req) {
    if (sendToLogin(call, req))
        return;
    FlagViewer viewer = flagViewer(call, req);
    if (!viewer.curator)
        throw Fail(403, "ability_required:flag_curate",
                   "the flag dashboard is for moderators and members with the flag_curate ability");
    auto p = Params::of(req);
    std::string tab = p.queryText("status");
    if (tab.empty())
        tab = "pending";
    if (tab != "pending" && tab != "handled" && tab != "escalated")
        throw Fail(422, "invalid", "status must be pending, escalated or handled", "status");
    auto filter = *parseStatusFilter(tab);
    int64_t page = p.page();
    const int64_t per_page = 25;
    auto list = listFlags(call, req, filter, false, page, per_page);
    json items = json::array();
    for (auto& item : list["items"])
        items.push_back(decorate(item, viewer));
    json data = {{"title", "Flags"},   {"items", items}, {"total", list["total"]},
                 {"tab_" + tab, true}, {"tab", tab},     {"is_moderator", viewer.moderator}};
    pageLinks(data, "/mod/flags?status=" + tab, page, per_page, list["total"].get<int64_t>());
    if (viewer.moderator)
        data["members"] = FlagStore(call).busiestMembers(20);
    call.respondPage(200, "mod_flags", dump(data));
}

std::string backTo(const Call& call) {
    std::string tab = textInput(call, "tab").value_or("pending");
    if (tab != "pending" && tab != "handled" && tab != "escalated")
        tab = "pending";
    return "/mod/flags?status=" + tab;
}

void resolveAction(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    std::string back = backTo(call);
    try {
        auto flag = resolveFlag(call, req, id);
        call.flash("Flag " + std::to_string(id) + " marked " + flag["status"].get<std::string>() +
                   "; the flagger was told.");
    } catch (const Fail& f) {
        if (f.status() != 409 && f.status() != 422)
            throw;
        call.flash(f.what());
    }
    call.redirect(back);
}

void escalateAction(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    std::string back = backTo(call);
    try {
        escalateFlag(call, req, id);
        call.flash("Flag " + std::to_string(id) + " escalated to the moderators.");
    } catch (const Fail& f) {
        if (f.status() != 409 && f.status() != 422)
            throw;
        call.flash(f.what());
    }
    call.redirect(back);
}

// QPixel #1455: what a member raised and what they received, for moderators.
void memberFlags(Call& call, const AgoraRequest& req) {
    if (sendToLogin(call, req))
        return;
    requireModerator(req);
    int64_t id = Params::of(req).id("id");
    auto summary = flagSummary(call, req, id);
    FlagStore store(call);
    FlagViewer viewer = flagViewer(call, req);
    auto recent = [&](ListScope scope) {
        int64_t total = 0;
        json items = json::array();
        for (const auto& row : store.list(scope, id, StatusFilter::All, 1, 25, total))
            items.push_back(decorate(flagJson(row, FlagView::Handler), viewer));
        return items;
    };
    json member = summary["member"];
    call.respondPage(200, "member_flags",
                     dump({{"title", "Flags of " + member["display_name"].get<std::string>()},
                           {"member", member},
                           {"raised", summary["raised"]},
                           {"received", summary["received"]},
                           {"raised_items", recent(ListScope::Own)},
                           {"received_items", recent(ListScope::ReceivedBy)}}));
}

void myFlags(Call& call, const AgoraRequest& req) {
    if (sendToLogin(call, req))
        return;
    auto p = Params::of(req);
    int64_t page = p.page();
    const int64_t per_page = 25;
    auto list = listFlags(call, req, StatusFilter::All, true, page, per_page);
    json items = json::array();
    for (auto& item : list["items"]) {
        item["pending"] = item["status"] == "pending";
        item["helpful"] = item["status"] == "helpful";
        item["age"] = ageText(item["age_seconds"]);
        items.push_back(item);
    }
    // Curators reach their queue from here (the header badge is the moderators').
    json data = {{"title", "Your flags"},
                 {"can_curate", flagViewer(call, req).curator},
                 {"has_items", !items.empty()},
                 {"items", items},
                 {"total", list["total"]}};
    pageLinks(data, "/flags/mine", page, per_page, list["total"].get<int64_t>());
    call.respondPage(200, "my_flags", dump(data));
}

void adminTypes(Call& call, const AgoraRequest& req) {
    if (sendToLogin(call, req))
        return;
    requireAdmin(req);
    json types = json::array();
    for (const auto& t : FlagTypeStore(call).list(true))
        types.push_back(t.toJson());
    call.respondPage(200, "admin_flag_types", dump({{"title", "Flag types"}, {"types", types}}));
}

void adminCreate(Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    try {
        auto change = FlagTypeChange::fromForm(call);
        call.begin();
        auto type = FlagTypeStore(call).create(change);
        call.audit("type.create", "flag_type:" + std::to_string(type.id), "", dump(type.toJson()));
        call.commit();
        call.flash("Flag type \"" + type.name + "\" added.");
        call.redirect("/admin/flag-types#type-" + std::to_string(type.id));
    } catch (const Fail& f) {
        if (f.status() != 409 && f.status() != 422)
            throw;
        call.flash(f.what());
        call.redirect("/admin/flag-types#new-type");
    }
}

void adminUpdate(Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    int64_t id = Params::of(req).id("id");
    std::string back = "/admin/flag-types#type-" + std::to_string(id);
    try {
        auto change = FlagTypeChange::fromForm(call);
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
        call.flash("Flag type \"" + type.name + "\" saved.");
    } catch (const Fail& f) {
        if (f.status() != 409 && f.status() != 422)
            throw;
        call.flash(f.what());
    }
    call.redirect(back);
}

}  // namespace

void registerPages(plugin::Registrar& r) {
    r.route("GET", "/posts/{id}/flag", flagForm(TargetKind::Post));
    r.route("POST", "/posts/{id}/flag", flagSubmit(TargetKind::Post));
    r.route("GET", "/comments/{id}/flag", flagForm(TargetKind::Comment));
    r.route("POST", "/comments/{id}/flag", flagSubmit(TargetKind::Comment));
    r.route("GET", "/mod/flags", dashboard);
    r.route("POST", "/mod/flags/{id}/resolve", resolveAction);
    r.route("POST", "/mod/flags/{id}/escalate", escalateAction);
    r.route("GET", "/mod/flags/members/{id}", memberFlags);
    r.route("GET", "/flags/mine", myFlags);
    r.route("GET", "/admin/flag-types", adminTypes);
    r.route("POST", "/admin/flag-types", adminCreate);
    r.route("POST", "/admin/flag-types/{id}", adminUpdate);
    // Links from core pages. They render for every post and comment: a link each, no more.
    // `is_own` (viewer wrote it) hides the link where core provides it; the form refuses
    // one's own posts either way.
    r.slot("post_actions",
           "{{#viewer.signed_in}}{{^post.is_own}}{{^post.deleted}}<a class=\"flag-link\" "
           "href=\"/posts/{{post.id}}/flag\">Flag</a>{{/post.deleted}}{{/post.is_own}}"
           "{{/viewer.signed_in}}");
    r.slot("comment_actions",
           "{{#viewer.signed_in}}{{^comment.is_own}}<a class=\"flag-link meta\" "
           "href=\"/comments/{{comment.id}}/flag\">flag</a>{{/comment.is_own}}"
           "{{/viewer.signed_in}}");
    r.slot("profile_sections",
           "{{#viewer.is_moderator}}<p class=\"flags-link\"><a "
           "href=\"/mod/flags/members/{{member.id}}\">Flags raised and received \u2192</a></p>"
           "{{/viewer.is_moderator}}");
    r.slot("admin_sections",
           "<section class=\"admin-flag-types-link\"><h2>Flags</h2><p><a "
           "href=\"/admin/flag-types\">Flag types</a>: the reasons members can pick when they "
           "flag a post or comment. <a href=\"/mod/flags\">Flag dashboard</a>.</p></section>");
}

}  // namespace agora::flags
