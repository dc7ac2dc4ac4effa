#include "render/PageSlots.h"

#include "render/TemplateStore.h"
#include "tenancy/Tenant.h"

namespace agora {

namespace {

// Slots rendered once per post or comment (with that item's data), not once per page.
bool perItemSlot(const std::string& slot) {
    return slot == "post_actions" || slot == "comment_actions";
}

json authorId(const json& item) {
    auto a = item.find("author");
    return a != item.end() && a->is_object() ? a->value("id", json(0)) : json(0);
}

}  // namespace

void PageSlots::add(const std::string& plugin, const std::string& slot, std::string text) {
    std::string templ = "slots/" + plugin + "/" + slot + "/" + std::to_string(partials_.size());
    store_.addTemplate(templ, std::move(text));
    partials_.push_back({plugin, slot, templ});
}

void PageSlots::fill(const std::string& theme, const Tenant& tenant, json& d) {
    if (!d.contains("slots"))
        d["slots"] = json::object();
    fillPageSlots(theme, tenant, d);
    fillItemSlots(theme, tenant, d);
}

void PageSlots::fillPageSlots(const std::string& theme, const Tenant& tenant, json& d) {
    for (const auto& p : partials_) {
        if (!tenant.pluginEnabled(p.plugin) || perItemSlot(p.slot))
            continue;
        std::string html = store_.render(theme, p.templ, d);
        auto& slot = d["slots"][p.slot];
        slot = (slot.is_string() ? slot.get<std::string>() : std::string()) + html;
    }
}

void PageSlots::fillItemSlots(const std::string& theme, const Tenant& tenant, json& d) {
    // Only the question page shows posts with their actions.
    if (!d.contains("q") || !d["q"].is_object())
        return;
    std::vector<const Partial*> posts, comments;
    for (const auto& p : partials_) {
        if (!tenant.pluginEnabled(p.plugin))
            continue;
        if (p.slot == "post_actions")
            posts.push_back(&p);
        else if (p.slot == "comment_actions")
            comments.push_back(&p);
    }
    if (posts.empty() && comments.empty())
        return;
    // A small context per item: converting the whole page for each post would cost more than
    // the page itself.
    const json viewer = {{"signed_in", d["viewer"]["signed_in"]},
                         {"id", d["viewer"]["id"]},
                         {"is_moderator", d["viewer"]["is_moderator"]},
                         {"is_admin", d["viewer"]["is_admin"]}};
    const json& csrf = d["csrf"];
    // Mustache can't compare ids: "is this the viewer's own?" is worked out here.
    const bool signed_in = d["viewer"].value("signed_in", false);
    const json viewer_id = d["viewer"].value("id", json(0));
    auto own = [&](const json& author) { return signed_in && author == viewer_id; };
    auto renderAll = [&](const std::vector<const Partial*>& partials, const json& item) {
        std::string html;
        for (const auto* p : partials)
            html += store_.render(theme, p->templ, item);
        return html;
    };
    auto fill = [&](json& post) {
        if (!post.is_object())
            return;
        if (!posts.empty()) {
            json item = {{"post",
                          {{"id", post.value("id", json(0))},
                           {"is_question", post.value("is_question", false)},
                           {"can_edit", post.value("can_edit", false)},
                           {"locked", post.value("locked", false)},
                           {"deleted", post.value("deleted", false)},
                           {"closed", post.value("closed", false)},
                           {"author_id", authorId(post)},
                           {"is_own", own(authorId(post))}}},
                         {"viewer", viewer},
                         {"csrf", csrf}};
            post["slots"]["post_actions"] = renderAll(posts, item);
        }
        if (comments.empty() || !post.contains("comments"))
            return;
        for (auto& c : post["comments"]) {
            json item = {{"comment",
                          {{"id", c.value("id", json(0))},
                           {"post_id", post.value("id", json(0))},
                           {"author_id", authorId(c)},
                           {"is_own", own(authorId(c))}}},
                         {"viewer", viewer},
                         {"csrf", csrf}};
            c["slots"]["comment_actions"] = renderAll(comments, item);
        }
    };
    fill(d["q"]);
    if (d["q"].contains("answers"))
        for (auto& a : d["q"]["answers"])
            fill(a);
}

}  // namespace agora
