#include "plugins/PluginCallbacks.h"

#include "http/RequestContext.h"
#include "plugins/AgoraCall.h"
#include "services/Services.h"
#include "util/Error.h"

namespace agora::pluginhost {

std::string errorText(const char* error) {
    std::string s(error, strnlen(error, kErrorCap));
    return s.empty() ? "no reason given" : s;
}

RequestView::RequestView(RequestContext& ctx)
    : params(json(ctx.params()).dump()),
      query(json(ctx.req().query).dump()),
      content_type(ctx.req().header("content-type")) {
    const Viewer& v = ctx.viewer();
    const Tenant& t = ctx.tenant();
    const auto& req = ctx.req();
    view.struct_size = sizeof view;
    view.method = req.method.c_str();
    view.path = req.path.c_str();
    view.query_string = req.query_string.c_str();
    view.params_json = params.c_str();
    view.query_json = query.c_str();
    view.body = req.body.data();
    view.body_len = req.body.size();
    view.content_type = content_type.c_str();
    view.tenant_id = t.id;
    view.tenant_slug = t.slug.c_str();
    view.tenant_is_staging = t.isStaging() ? 1 : 0;
    view.viewer_id = v.account_id;
    view.viewer_username = v.username.c_str();
    view.viewer_display_name = v.display_name.c_str();
    view.viewer_role = v.signedIn() ? roleName(v.role) : "";
    view.viewer_is_moderator = v.signedIn() && v.isModerator() ? 1 : 0;
    view.viewer_is_admin = v.signedIn() && v.isAdmin() ? 1 : 0;
}

Handler routeHandler(Services& app, LoadedPlugin& plugin, PluginRoute route) {
    return [&app, &plugin, route](RequestContext& ctx) {
        const Viewer& v = ctx.viewer();
        const Tenant& t = ctx.tenant();
        // Plugins may parse the raw body themselves: the host's checks (JSON depth, UTF-8,
        // control characters) run first, so no plugin sees a body core would refuse.
        ctx.checkBody();
        // A path parameter that isn't UTF-8 names nothing (and JSON can't carry it).
        for (const auto& [name, value] : ctx.params())
            if (!validUtf8(value))
                throw Error::notFound();
        // The view's strings live here, on the stack, for the whole callback.
        RequestView request(ctx);
        const AgoraRequest& view = request.view;

        AgoraCall call(app, plugin, AgoraCall::Kind::Request, t);
        call.ctx = &ctx;
        call.viewer = &v;
        char error[kErrorCap] = "";
        int rc = callPlugin(
            error, [&] { return route.fn(route.user_data, &call, &view, error, kErrorCap); });
        // Whatever the plugin left uncommitted is rolled back before anyone looks at the
        // outcome: a failed or forgetful route writes nothing.
        call.tx.reset();
        if (call.retryable && (call.failure || rc != AGORA_OK || !call.responded))
            throw *call.retryable;
        if (call.failure)
            throw *call.failure;
        std::string where = "plugin " + plugin.name + ": " + route.method + " " + route.pattern;
        if (rc != AGORA_OK)
            throw Error::internal(where + " failed: " + errorText(error));
        if (!call.responded)
            throw Error::internal(where + " returned without a response");
    };
}

EventHandler eventHandler(Services& app, LoadedPlugin& plugin, PluginSubscription sub) {
    return [&app, &plugin, sub](db::PgConnection& conn, const Tenant& t, const Event& e) {
        std::string payload = e.payload.dump();
        AgoraEvent view{};
        view.struct_size = sizeof view;
        view.name = e.name.c_str();
        view.payload_json = payload.c_str();
        view.tenant_id = t.id;
        view.tenant_slug = t.slug.c_str();
        view.tenant_is_staging = t.isStaging() ? 1 : 0;
        AgoraCall call(app, plugin, AgoraCall::Kind::Event, t);
        call.conn = &conn;
        char error[kErrorCap] = "";
        int rc = callPlugin(error,
                            [&] { return sub.fn(sub.user_data, &call, &view, error, kErrorCap); });
        // Thrown into the publisher: its transaction rolls back and the request fails.
        if (rc != AGORA_OK)
            throw Error::internal("plugin " + plugin.name + " failed handling " + e.name + ": " +
                                  errorText(error));
    };
}

AbilityResolver abilityResolver(Services& app, LoadedPlugin& plugin,
                                PluginCallback<AgoraResolverFn> cb) {
    return [&app, &plugin, cb](db::PgConnection& conn, const Tenant& t, const Viewer& v,
                               const std::string& ability) -> std::optional<AbilityAnswer> {
        AgoraAbilityQuery q{};
        q.struct_size = sizeof q;
        q.ability = ability.c_str();
        q.member_id = v.account_id;
        q.member_role = roleName(v.role);
        q.tenant_id = t.id;
        q.tenant_slug = t.slug.c_str();
        q.tenant_is_staging = t.isStaging() ? 1 : 0;
        AgoraAbilityAnswer answer{};
        answer.struct_size = sizeof answer;
        AgoraCall call(app, plugin, AgoraCall::Kind::Resolver, t);
        call.conn = &conn;
        call.viewer = &v;
        char error[kErrorCap] = "";
        int rc = callPlugin(
            error, [&] { return cb.fn(cb.user_data, &call, &q, &answer, error, kErrorCap); });
        if (rc != AGORA_OK)
            throw Error::internal("plugin " + plugin.name + " could not answer whether member " +
                                  std::to_string(v.account_id) + " holds " + ability + ": " +
                                  errorText(error));
        answer.reason[sizeof answer.reason - 1] = '\0';
        std::string reason = answer.reason;
        switch (answer.answer) {
            case AGORA_ABILITY_GRANTED:
                return AbilityAnswer{true, ""};
            case AGORA_ABILITY_DENIED:
                return AbilityAnswer{
                    false, reason.empty() ? "you need the " + ability + " ability" : reason};
            default:
                return std::nullopt;
        }
    };
}

}  // namespace agora::pluginhost
