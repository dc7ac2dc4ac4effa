#include "http/RequestContext.h"
#include "http/Router.h"
#include "network/PluginService.h"
#include "settings/SettingsService.h"
#include "settings/TenantSettings.h"
#include "util/Error.h"
#include "web/Routes.h"

namespace agora {

namespace {

const Viewer& requireAdmin(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    if (!v.isAdmin())
        throw Error::forbidden("admin_required", "only this community's admins may do that");
    return v;
}

void apiGetSettings(RequestContext& ctx) {
    requireAdmin(ctx);
    auto items = SettingsService::describe(ctx.services().settings(), ctx.tenant());
    ctx.sendJson(200, {{"items", items}, {"total", items.size()}});
}

void apiPutSettings(RequestContext& ctx) {
    const auto& v = requireAdmin(ctx);
    std::map<std::string, json> set;
    for (auto& [k, val] : ctx.body().items())
        set[k] = val;
    if (set.empty())
        throw Error::badRequest("send an object of {key: value}");
    SettingsService::update(ctx.services().settings(), ctx.services().directory(), ctx.db(),
                            ctx.tenant(), set, {}, v.account_id);
    auto tenant = ctx.services().directory().byId(ctx.tenant().id);
    auto items =
        SettingsService::describe(ctx.services().settings(), tenant ? *tenant : ctx.tenant());
    ctx.sendJson(200, {{"items", items}, {"total", items.size()}});
}

void apiInheritSetting(RequestContext& ctx) {
    const auto& v = requireAdmin(ctx);
    SettingsService::update(ctx.services().settings(), ctx.services().directory(), ctx.db(),
                            ctx.tenant(), {}, {ctx.param("key")}, v.account_id);
    ctx.sendJson(200, {{"key", ctx.param("key")}, {"inherited", true}});
}

void adminPage(RequestContext& ctx, PluginHost& plugins) {
    requireAdmin(ctx);
    auto items = SettingsService::describe(ctx.services().settings(), ctx.tenant());
    std::map<std::string, json> by_category;
    for (auto& item : items) {
        std::string type = item["type"];
        item["is_bool"] = type == "bool";
        item["is_color"] = type == "color";
        item["is_number"] = type == "int" || type == "float";
        item["is_enum"] = type == "enum";
        item["is_text"] = type == "string";
        item["checked"] = item["value"] == json(true);
        // A nullable setting left null (e.g. an unused ability criterion) is an empty box.
        item["value_text"] = item["value"].is_null()     ? std::string()
                             : item["value"].is_string() ? item["value"].get<std::string>()
                                                         : item["value"].dump();
        item["default_text"] = item["default"].is_null()     ? std::string("(none)")
                               : item["default"].is_string() ? item["default"].get<std::string>()
                                                             : item["default"].dump();
        if (item["default_text"] == "")
            item["default_text"] = "(empty)";
        if (item.contains("choices")) {
            json choices = json::array();
            for (const auto& c : item["choices"])
                choices.push_back({{"name", c}, {"selected", c == item["value"]}});
            item["choice_list"] = choices;
        }
        by_category[item["category"].get<std::string>()].push_back(item);
    }
    json categories = json::array();
    for (auto& [name, list] : by_category)
        categories.push_back({{"name", name}, {"settings", list}});
    ctx.render("admin",
               {{"title", "Administration"},
                {"categories", categories},
                {"plugins", PluginService(ctx.services(), plugins).describe(ctx.tenant())}});
}

void adminSettingsSubmit(RequestContext& ctx) {
    const auto& v = requireAdmin(ctx);
    const auto& form = ctx.form();
    std::map<std::string, json> set;
    std::set<std::string> inherit;
    for (const auto& d : ctx.services().settings().all()) {
        if (form.count("inherit:" + d.key)) {
            inherit.insert(d.key);
            continue;
        }
        auto it = form.find("s:" + d.key);
        bool present = it != form.end();
        if (d.type == SettingType::Bool) {
            // Unchecked boxes aren't sent: the hidden "seen:" field says the box was on the page.
            if (!form.count("seen:" + d.key))
                continue;
            set[d.key] = present;
            continue;
        }
        if (!present)
            continue;
        const std::string& raw = it->second;
        TenantSettings current(ctx.services().settings(), ctx.tenant());
        json value;
        try {
            if (d.nullable && raw.empty())
                value = nullptr;
            else if (d.type == SettingType::Int)
                value = std::stoll(raw);
            else if (d.type == SettingType::Float)
                value = std::stod(raw);
            else
                value = raw;
        } catch (const std::exception&) {
            throw Error::invalid(d.key, d.key + " must be a number");
        }
        if (current.get(d.key) == value && !current.overridden(d.key))
            continue;
        set[d.key] = value;
    }
    SettingsService::update(ctx.services().settings(), ctx.services().directory(), ctx.db(),
                            ctx.tenant(), set, inherit, v.account_id);
    ctx.flash("Settings saved.");
    ctx.redirect("/admin");
}

}  // namespace

void registerAdminRoutes(Router& router, PluginHost& plugins) {
    router.add("GET", "/api/v1/admin/settings", apiGetSettings);
    router.add("PUT", "/api/v1/admin/settings", apiPutSettings);
    router.add("DELETE", "/api/v1/admin/settings/{key}", apiInheritSetting);
    router.add("GET", "/admin", [&plugins](RequestContext& ctx) { adminPage(ctx, plugins); });
    router.add("POST", "/admin/settings", adminSettingsSubmit);
}

}  // namespace agora
