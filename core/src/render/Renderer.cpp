#include "render/Renderer.h"

#include <fstream>
#include <kainjow/mustache.hpp>
#include <regex>
#include <sstream>

#include "app/App.h"
#include "http/RequestContext.h"
#include "plugins/PluginHost.h"
#include "util/Error.h"

namespace agora {

namespace fs = std::filesystem;
using kainjow::mustache::data;
using kainjow::mustache::mustache;

struct Renderer::Compiled {
    explicit Compiled(const std::string& text) : tmpl(text) {}
    mustache tmpl;
};

namespace {

// Builds kainjow data in place: its setters copy, so building children first and inserting
// them would copy every subtree once per level of nesting.
void fill(data& out, const json& j) {
    switch (j.type()) {
        case json::value_t::object: {
            out = data(data::type::object);
            for (auto it = j.begin(); it != j.end(); ++it)
                fill(out[it.key()], it.value());
            return;
        }
        case json::value_t::array: {
            out = data(data::type::list);
            // list_value() is the only access kainjow offers; elements are filled in place.
            auto& items = const_cast<kainjow::mustache::basic_list<std::string>&>(out.list_value());
            items.reserve(j.size());
            for (const auto& e : j) {
                items.emplace_back();
                fill(items.back(), e);
            }
            return;
        }
        case json::value_t::string:
            // Empty text is false, as in JavaScript Mustache: {{#field}} hides empty fields.
            if (j.get_ref<const std::string&>().empty())
                out = data(false);
            else
                out = data(j.get_ref<const std::string&>());
            return;
        case json::value_t::boolean:
            out = data(j.get<bool>());
            return;
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            out = data(std::to_string(j.get<int64_t>()));
            return;
        case json::value_t::number_float: {
            std::ostringstream s;
            s << j.get<double>();
            out = data(s.str());
            return;
        }
        default:
            out = data(false);
            return;
    }
}

data toData(const json& j) {
    data d;
    fill(d, j);
    return d;
}

std::string initials(const std::string& name) {
    std::string out;
    bool start = true;
    for (char c : name) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            start = true;
        } else if (start && std::isalnum(static_cast<unsigned char>(c))) {
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            start = false;
            if (out.size() == 2)
                break;
        } else {
            start = false;
        }
    }
    return out.empty() ? "A" : out;
}

}  // namespace

Renderer::Renderer(fs::path themes_dir) : dir_(std::move(themes_dir)) {}
Renderer::~Renderer() = default;

std::string Renderer::load(const std::string& theme, const std::string& name, int depth) const {
    if (depth > 8)
        throw Error::internal("template partials nested too deeply at " + name);
    fs::path file = dir_ / theme / "templates" / (name + ".mustache");
    if (!fs::exists(file))
        file = dir_ / "default" / "templates" / (name + ".mustache");
    std::string text;
    if (std::ifstream in(file); in) {
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    } else if (auto it = builtin_.find(name); it != builtin_.end()) {
        text = it->second;
    } else {
        throw Error::internal("template " + name + " not found in theme " + theme);
    }
    static const std::regex partial(R"(\{\{>\s*([A-Za-z0-9_/\-]+)\s*\}\})");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), partial);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        out += text.substr(last, it->position() - last);
        out += load(theme, "partials/" + (*it)[1].str(), depth + 1);
        last = it->position() + it->length();
    }
    out += text.substr(last);
    return out;
}

const Renderer::Compiled& Renderer::compiled(const std::string& theme, const std::string& templ) {
    std::string key = theme + "/" + templ;
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end())
        return *it->second;
    auto c = std::make_unique<Compiled>(load(theme, templ, 0));
    if (!c->tmpl.is_valid())
        throw Error::internal("template " + key + ": " + c->tmpl.error_message());
    return *cache_.emplace(key, std::move(c)).first->second;
}

std::string Renderer::render(const std::string& theme, const std::string& templ,
                             const json& data_json) {
    const auto& c = compiled(theme, templ);
    auto d = toData(data_json);
    // mustache::render is const and keeps no state between calls: safe across threads.
    return const_cast<mustache&>(c.tmpl).render(d);
}

std::string Renderer::page(RequestContext& ctx, const std::string& templ, json d) {
    const auto& tenant = ctx.tenant();
    auto settings = ctx.settings();
    const auto& v = ctx.viewer();
    std::string logo = settings.text("theme.logo_text");
    d["site"] = {{"name", tenant.name},
                 {"slug", tenant.slug},
                 {"tagline", settings.text("site.tagline")},
                 {"primary", settings.text("theme.primary_color")},
                 {"accent", settings.text("theme.accent_color")},
                 {"logo", logo.empty() ? initials(tenant.name) : logo},
                 {"staging", tenant.isStaging()}};
    d["viewer"] = {{"signed_in", v.signedIn()}, {"id", v.account_id},
                   {"username", v.username},    {"display_name", v.display_name},
                   {"is_admin", v.isAdmin()},   {"is_moderator", v.isModerator()}};
    if (v.signedIn()) {
        d["viewer"]["has_unread"] = v.unread_notifications > 0;
        d["viewer"]["unread_label"] = v.unread_notifications >= 100
                                          ? std::string("99+")
                                          : std::to_string(v.unread_notifications);
        d["badges"] = ctx.app().plugins().badges(ctx);
    }
    d["csrf"] = ctx.csrfToken();
    if (!d.contains("title"))
        d["title"] = tenant.name;
    auto flash = ctx.req().cookie("agora_flash");
    if (!flash.empty()) {
        d["flash"] = urlDecode(flash);
        ctx.setCookie("agora_flash", "", 0);
    }
    if (!d.contains("slots"))
        d["slots"] = json::object();
    fillSlots(tenant.theme, tenant, d);
    fillItemSlots(tenant.theme, tenant, d);
    std::string content = render(tenant.theme, templ, d);
    // The layout needs only the frame, not the page's (possibly large) data.
    json frame = {{"site", std::move(d["site"])},   {"viewer", std::move(d["viewer"])},
                  {"csrf", std::move(d["csrf"])},   {"title", std::move(d["title"])},
                  {"slots", std::move(d["slots"])}, {"content", std::move(content)}};
    if (d.contains("badges"))
        frame["badges"] = std::move(d["badges"]);
    if (d.contains("flash"))
        frame["flash"] = std::move(d["flash"]);
    return render(tenant.theme, "layout", frame);
}

void Renderer::addTemplate(const std::string& name, std::string text) {
    std::lock_guard lock(mu_);
    builtin_[name] = std::move(text);
}

void Renderer::addSlotPartial(const std::string& plugin, const std::string& slot,
                              std::string text) {
    std::lock_guard lock(mu_);
    std::string templ =
        "slots/" + plugin + "/" + slot + "/" + std::to_string(slot_partials_.size());
    builtin_[templ] = std::move(text);
    slot_partials_.push_back({plugin, slot, templ});
}

namespace {

// Slots rendered once per post or comment (with that item's data), not once per page.
bool perItemSlot(const std::string& slot) {
    return slot == "post_actions" || slot == "comment_actions";
}

}  // namespace

void Renderer::fillSlots(const std::string& theme, const Tenant& tenant, json& d) {
    for (const auto& p : slot_partials_) {
        if (!tenant.pluginEnabled(p.plugin) || perItemSlot(p.slot))
            continue;
        std::string html = render(theme, p.templ, d);
        auto& slot = d["slots"][p.slot];
        slot = (slot.is_string() ? slot.get<std::string>() : std::string()) + html;
    }
}

void Renderer::fillItemSlots(const std::string& theme, const Tenant& tenant, json& d) {
    // Only the question page shows posts with their actions.
    if (!d.contains("q") || !d["q"].is_object())
        return;
    std::vector<const SlotPartial*> posts, comments;
    for (const auto& p : slot_partials_) {
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
    auto authorId = [](const json& item) {
        auto a = item.find("author");
        return a != item.end() && a->is_object() ? a->value("id", json(0)) : json(0);
    };
    // Mustache can't compare ids: "is this the viewer's own?" is worked out here.
    const bool signed_in = d["viewer"].value("signed_in", false);
    const json viewer_id = d["viewer"].value("id", json(0));
    auto own = [&](const json& author) { return signed_in && author == viewer_id; };
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
            std::string html;
            for (const auto* p : posts)
                html += render(theme, p->templ, item);
            post["slots"]["post_actions"] = std::move(html);
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
            std::string html;
            for (const auto* p : comments)
                html += render(theme, p->templ, item);
            c["slots"]["comment_actions"] = std::move(html);
        }
    };
    fill(d["q"]);
    if (d["q"].contains("answers"))
        for (auto& a : d["q"]["answers"])
            fill(a);
}

fs::path Renderer::asset(const std::string& theme, const std::string& name) const {
    static const std::regex safe(R"(^[A-Za-z0-9_\-]+(\.[A-Za-z0-9]+)+$)");
    if (!std::regex_match(name, safe))
        return {};
    for (const auto& t : {theme, std::string("default")}) {
        auto p = dir_ / t / "static" / name;
        if (fs::is_regular_file(p))
            return p;
    }
    return {};
}

}  // namespace agora
