// Services of the request being served: its input, the viewer's abilities, and the answer.
#include "plugins/HostServices.h"

#include <algorithm>

#include "http/RequestContext.h"
#include "services/Services.h"

namespace agora::hostapi {

int checkAbility(AgoraCall* call, const char* ability, int32_t* granted, const char** reason) {
    return service(call, [&](AgoraCall& c) {
        if ((c.kind != AgoraCall::Kind::Request && c.kind != AgoraCall::Kind::Badge) || !c.viewer)
            return needRequest(c, "check_ability");
        if (!ability || !granted)
            return invalid(c, "check_ability needs an ability and an output pointer");
        auto a = c.app.permissions().ability(c.db(), c.tenant(), *c.viewer, ability);
        *granted = a.granted ? 1 : 0;
        c.result = a.granted ? "" : a.reason;
        if (reason)
            *reason = c.result.c_str();
        return AGORA_OK;
    });
}

int requestInput(AgoraCall* call, const char* name, const char** value) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "request_input");
        if (!name || !value)
            return invalid(c, "request_input needs a name and an output pointer");
        auto ct = c.ctx->req().header("content-type");
        std::optional<std::string> v;
        try {
            if (ct.rfind("application/x-www-form-urlencoded", 0) == 0) {
                v = c.ctx->input(name);
            } else {
                // As documented: any JSON value but null, non-strings as JSON text (tags). But
                // not objects or lists of lists: every plugin reads an input as one value or a
                // list of them, and a structure where it expects a word would reach its
                // queries as JSON text (a flag "type" of [[[…]]]).
                const auto& b = c.ctx->body();
                if (auto it = b.find(name); it != b.end() && !it->is_null()) {
                    auto scalar = [](const json& e) {
                        return e.is_string() || e.is_number() || e.is_boolean();
                    };
                    if (it->is_object() ||
                        (it->is_array() && !std::all_of(it->begin(), it->end(), scalar)))
                        throw Error::invalid(name, std::string(name) +
                                                       " must be a string, a number, true, "
                                                       "false or a list of those");
                    v = it->is_string() ? it->get<std::string>() : it->dump();
                }
            }
        } catch (const Error& e) {
            // A body that can't be read (malformed JSON, a form that isn't UTF-8) ends the
            // request with the host's 400 whatever the plugin does next.
            c.failure.emplace(e);
            c.responded = true;
            throw;
        }
        if (!v)
            return AGORA_ERR_NOT_FOUND;
        c.result = std::move(*v);
        *value = c.result.c_str();
        return AGORA_OK;
    });
}

int respond(AgoraCall* call, int32_t status, const char* content_type, const char* body,
            size_t body_len) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "respond");
        if (status < 200 || status > 599)
            return invalid(c, "respond: status must be 200..599");
        auto& res = c.ctx->res();
        res.status = status;
        res.content_type = content_type && *content_type ? content_type : "text/plain";
        res.body.assign(body ? body : "", body ? body_len : 0);
        c.failure.reset();
        c.responded = true;
        return AGORA_OK;
    });
}

int respondPage(AgoraCall* call, int32_t status, const char* template_name, const char* data_json) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "respond_page");
        if (!template_name || !c.plugin.templates.count(template_name))
            return invalid(c, std::string("respond_page: no template \"") +
                                  (template_name ? template_name : "") + "\" registered");
        json data = json::parse(data_json ? data_json : "{}");
        if (!data.is_object())
            return invalid(c, "respond_page: data must be a JSON object");
        c.ctx->render("plugins/" + c.plugin.name + "/" + template_name, std::move(data),
                      status > 0 ? status : 200);
        c.failure.reset();
        c.responded = true;
        return AGORA_OK;
    });
}

int redirect(AgoraCall* call, const char* location, int32_t status) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "redirect");
        // Same-site paths only: a plugin can't be turned into an open redirect.
        if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\')
            return invalid(c, "redirect: location must be a path on this site");
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308)
            status = 303;
        c.ctx->redirect(location, status);
        c.failure.reset();
        c.responded = true;
        return AGORA_OK;
    });
}

int fail(AgoraCall* call, int32_t status, const char* code, const char* message,
         const char* field) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request)
            return needRequest(c, "fail");
        // The statuses a plugin may end a route with, and their default codes: the error table.
        const ErrorMapping* row = errorForStatus(status);
        if (!row || !row->plugin_may_fail)
            return invalid(c, "fail: status must be 400 401 403 404 409 413 422 429 or 503");
        ErrorCode kind = row->kind;
        std::string fallback = row->code;
        Error e(kind, code && *code ? code : fallback, message && *message ? message : fallback);
        if (field && *field)
            e.withField(field);
        if (kind == ErrorCode::RateLimited)
            e.withRetryAfter(60);
        c.failure.emplace(std::move(e));
        c.responded = true;
        return AGORA_OK;
    });
}

int flash(AgoraCall* call, const char* message) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "flash");
        c.ctx->flash(message ? message : "");
        return AGORA_OK;
    });
}

}  // namespace agora::hostapi
