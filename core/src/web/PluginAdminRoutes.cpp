#include "http/RequestContext.h"
#include "http/Router.h"
#include "network/PluginService.h"
#include "util/Error.h"
#include "web/Routes.h"

namespace agora {

namespace {

const Viewer& requirePluginAdmin(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    if (!v.isAdmin())
        throw Error::forbidden("admin_required", "only this community's admins may do that");
    return v;
}

json pluginItem(RequestContext& ctx, PluginHost& plugins, const std::string& name) {
    // The directory was reloaded by the change: describe the tenant as it is now.
    auto tenant = ctx.services().directory().byId(ctx.tenant().id);
    for (auto& item :
         PluginService(ctx.services(), plugins).describe(tenant ? *tenant : ctx.tenant()))
        if (item["name"] == name)
            return item;
    throw Error::notFound("no plugin named \"" + name + "\"");
}

void apiListPlugins(RequestContext& ctx, PluginHost& plugins) {
    requirePluginAdmin(ctx);
    auto items = PluginService(ctx.services(), plugins).describe(ctx.tenant());
    ctx.sendJson(
        200, {{"items", items}, {"page", 1}, {"per_page", items.size()}, {"total", items.size()}});
}

void apiSetPlugin(RequestContext& ctx, PluginHost& plugins) {
    const auto& v = requirePluginAdmin(ctx);
    std::string name = ctx.param("name");
    PluginService service(ctx.services(), plugins);
    pluginItem(ctx, plugins, name);  // 404 before looking at the body
    const auto& body = ctx.body();
    auto it = body.find("enabled");
    if (it == body.end() || !it->is_boolean())
        throw Error::invalid("enabled", "enabled must be true or false");
    bool changed = it->get<bool>() ? service.enable(ctx.tenant(), name, v.account_id)
                                   : service.disable(ctx.tenant(), name, v.account_id);
    auto item = pluginItem(ctx, plugins, name);
    item["changed"] = changed;
    ctx.sendJson(200, item);
}

void adminPluginSubmit(RequestContext& ctx, PluginHost& plugins) {
    const auto& v = requirePluginAdmin(ctx);
    std::string name = ctx.param("name");
    pluginItem(ctx, plugins, name);
    bool enable = ctx.input("enabled").value_or("") == "1";
    PluginService service(ctx.services(), plugins);
    if (enable)
        service.enable(ctx.tenant(), name, v.account_id);
    else
        service.disable(ctx.tenant(), name, v.account_id);
    ctx.flash(name + (enable ? " enabled." : " disabled."));
    ctx.redirect("/admin#plugins");
}

}  // namespace

void registerPluginAdminRoutes(Router& router, PluginHost& plugins) {
    router.add("GET", "/api/v1/admin/plugins",
               [&plugins](RequestContext& ctx) { apiListPlugins(ctx, plugins); });
    router.add("PUT", "/api/v1/admin/plugins/{name}",
               [&plugins](RequestContext& ctx) { apiSetPlugin(ctx, plugins); });
    router.add("POST", "/admin/plugins/{name}",
               [&plugins](RequestContext& ctx) { adminPluginSubmit(ctx, plugins); });
}

}  // namespace agora
