// Header-only C++ conveniences over agora/plugin_api.h for plugin authors. Nothing here is
// part of the ABI: it compiles into the plugin, uses only the C services, and keeps every C++
// exception on the plugin's side of the boundary (each trampoline catches).
//
//   Registrar r(api, host);
//   r.route("GET", "/api/v1/hello", [](Call& call, const AgoraRequest&) {
//       call.respondJson(200, R"({"hello":"world"})");
//   });
//
// Throwing Fail(status, code, message) from a route answers with that error; any other
// exception answers 500 and is logged by the host with the plugin's name.
#pragma once

#include <agora/plugin_api.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace agora::plugin {

// A host service failed; `code` is the AGORA_ERR_* it returned.
class HostError : public std::runtime_error {
public:
    HostError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

// Ends a route with a 4xx (or 503) rendered by the host like its own errors.
class Fail : public std::runtime_error {
public:
    Fail(int status, std::string code, const std::string& message, std::string field = "")
        : std::runtime_error(message),
          status_(status),
          code_(std::move(code)),
          field_(std::move(field)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::string& field() const { return field_; }

private:
    int status_;
    std::string code_;
    std::string field_;
};

inline void copyError(char* error, size_t cap, const char* message) {
    if (!error || cap == 0)
        return;
    std::snprintf(error, cap, "%s", message ? message : "unknown error");
}

// Runs `f`, turning any exception into an AGORA_ERR with its message in `error`.
template <typename F>
int guard(char* error, size_t cap, F&& f) noexcept {
    try {
        f();
        return AGORA_OK;
    } catch (const std::exception& e) {
        copyError(error, cap, e.what());
    } catch (...) {
        copyError(error, cap, "unknown exception");
    }
    return AGORA_ERR;
}

// One callback invocation (see AgoraCall). Methods throw HostError when the service fails.
class Call {
public:
    Call(const AgoraHostApi* api, AgoraCall* call) : api_(api), call_(call) {}

    AgoraCall* raw() const { return call_; }
    const AgoraHostApi* api() const { return api_; }

    // Rows as JSON text (an array of objects). `params_json` is a JSON array or "".
    std::string query(const std::string& sql, const std::string& params_json = "") const {
        const char* out = nullptr;
        size_t len = 0;
        check(api_->db_query(call_, sql.c_str(),
                             params_json.empty() ? nullptr : params_json.c_str(), &out, &len));
        return std::string(out, len);
    }
    void begin() const { check(api_->db_begin(call_)); }
    void commit() const { check(api_->db_commit(call_)); }
    void rollback() const { check(api_->db_rollback(call_)); }

    void publish(const std::string& name, const std::string& payload_json) const {
        check(api_->publish_event(call_, name.c_str(), payload_json.c_str()));
    }
    void notify(int64_t member_id, const std::string& kind, const std::string& text,
                const std::string& link) const {
        check(api_->notify_member(call_, member_id, kind.c_str(), text.c_str(), link.c_str()));
    }
    // ABI 1.1: many notifications / audit rows in one statement (see plugin_api.h).
    void notifyMany(const std::string& items_json) const {
        requireMember(AGORA_HAS_MEMBER(api_, AgoraHostApi, notify_members), "notify_members");
        check(api_->notify_members(call_, items_json.c_str()));
    }
    void auditMany(const std::string& items_json) const {
        requireMember(AGORA_HAS_MEMBER(api_, AgoraHostApi, audit_many), "audit_many");
        check(api_->audit_many(call_, items_json.c_str()));
    }
    void audit(const std::string& action, const std::string& target, const std::string& old_json,
               const std::string& new_json) const {
        check(api_->audit(call_, action.c_str(), target.c_str(),
                          old_json.empty() ? nullptr : old_json.c_str(),
                          new_json.empty() ? nullptr : new_json.c_str()));
    }
    std::string settings(const std::string& prefix) const {
        const char* out = nullptr;
        check(api_->get_settings(call_, prefix.c_str(), &out));
        return out;
    }
    void setSettings(const std::string& values_json) const {
        check(api_->set_settings(call_, values_json.c_str()));
    }

    // Cache calls never throw: a miss or an unavailable Redis is an ordinary answer.
    int cacheGet(const std::string& key, std::string& value) const {
        const char* out = nullptr;
        size_t len = 0;
        int rc = api_->cache_get(call_, key.c_str(), &out, &len);
        if (rc == AGORA_OK)
            value.assign(out, len);
        return rc;
    }
    int cacheMget(const std::string& keys_json, std::string& values_json) const {
        const char* out = nullptr;
        int rc = api_->cache_mget(call_, keys_json.c_str(), &out);
        if (rc == AGORA_OK)
            values_json = out;
        return rc;
    }
    int cacheSet(const std::string& key, std::string_view value, int ttl_seconds) const {
        return api_->cache_set(call_, key.c_str(), value.data(), value.size(), ttl_seconds);
    }
    int cacheDel(const std::string& key) const { return api_->cache_del(call_, key.c_str()); }
    int cacheIncr(const std::string& key, int64_t& value) const {
        return api_->cache_incr(call_, key.c_str(), &value);
    }

    bool hasAbility(const std::string& ability, std::string* reason = nullptr) const {
        int32_t granted = 0;
        const char* why = nullptr;
        check(api_->check_ability(call_, ability.c_str(), &granted, &why));
        if (reason)
            *reason = why ? why : "";
        return granted != 0;
    }
    // Empty optional-like: returns false when the input is absent.
    bool input(const std::string& name, std::string& value) const {
        const char* out = nullptr;
        int rc = api_->request_input(call_, name.c_str(), &out);
        if (rc == AGORA_ERR_NOT_FOUND)
            return false;
        check(rc);
        value = out;
        return true;
    }

    void respond(int status, const std::string& content_type, std::string_view body) const {
        check(api_->respond(call_, status, content_type.c_str(), body.data(), body.size()));
    }
    void respondJson(int status, std::string_view json) const {
        respond(status, "application/json", json);
    }
    void respondPage(int status, const std::string& templ, const std::string& data_json) const {
        check(api_->respond_page(call_, status, templ.c_str(), data_json.c_str()));
    }
    void redirect(const std::string& location, int status = 303) const {
        check(api_->redirect(call_, location.c_str(), status));
    }
    void flash(const std::string& message) const { check(api_->flash(call_, message.c_str())); }

    // ABI 1.1. Returns the service's status without throwing for a refused edit
    // (AGORA_ERR_INVALID / _STATE / _NOT_FOUND): `result_json` then holds {"error": {…}}.
    // Other failures throw HostError.
    int editPost(const std::string& edit_json, std::string& result_json) const {
        requireMember(AGORA_HAS_MEMBER(api_, AgoraHostApi, edit_post), "edit_post");
        const char* out = nullptr;
        int rc = api_->edit_post(call_, edit_json.c_str(), &out);
        // A refusal always comes with its error object; without one the call itself was
        // wrong (malformed edit_json, no transaction): that is the plugin's bug, not a 4xx.
        bool refused =
            rc == AGORA_ERR_INVALID || rc == AGORA_ERR_STATE || rc == AGORA_ERR_NOT_FOUND;
        if (rc == AGORA_OK || (refused && out && *out)) {
            result_json = out ? out : "";
            return rc;
        }
        check(rc);
        return rc;
    }
    std::string diffHtml(const std::string& before, const std::string& after) const {
        requireMember(AGORA_HAS_MEMBER(api_, AgoraHostApi, diff_html), "diff_html");
        const char* out = nullptr;
        check(api_->diff_html(call_, before.c_str(), after.c_str(), &out));
        return out ? out : "";
    }

private:
    static void requireMember(bool present, const char* name) {
        if (!present)
            throw HostError(AGORA_ERR_STATE, std::string("the host is too old for ") + name);
    }
    void check(int rc) const {
        if (rc != AGORA_OK) {
            const char* why = api_->last_error(call_);
            throw HostError(rc, why && *why ? why : "host service failed");
        }
    }

    const AgoraHostApi* api_;
    AgoraCall* call_;
};

using RouteHandler = std::function<void(Call&, const AgoraRequest&)>;
using EventHandler = std::function<void(Call&, const AgoraEvent&)>;
// Returns AGORA_ABILITY_*; writes the reason for a denial.
using ResolverHandler = std::function<int(Call&, const AgoraAbilityQuery&, std::string& reason)>;
using TenantHandler = std::function<void(Call&, const AgoraTenant&)>;
// Returns the badge's count (0 shows nothing).
using BadgeHandler = std::function<int64_t(Call&, const AgoraRequest&)>;

// Registers C++ callables through the C services. The Registrar must outlive every callback
// it registered — keep it in the plugin context, which lives as long as the process (plugins
// are never unloaded). Registration methods throw HostError; call them from init inside
// guard() so a failure refuses the plugin with the reason.
class Registrar {
public:
    Registrar(const AgoraHostApi* api, AgoraHost* host) : api_(api), host_(host) {}
    Registrar(const Registrar&) = delete;
    Registrar& operator=(const Registrar&) = delete;

    const AgoraHostApi* api() const { return api_; }
    AgoraHost* host() const { return host_; }

    void log(int level, const std::string& message) const {
        api_->log(host_, level, message.c_str());
    }

    void setting(AgoraSettingDef def) {
        def.struct_size = sizeof(AgoraSettingDef);
        check(api_->register_setting(host_, &def), "setting " + std::string(def.key));
    }
    void migration(const std::string& name, const std::string& sql) {
        check(api_->register_migration(host_, name.c_str(), sql.c_str()), "migration " + name);
    }
    void templ(const std::string& name, const std::string& mustache) {
        check(api_->register_template(host_, name.c_str(), mustache.c_str()), "template " + name);
    }
    void slot(const std::string& slot, const std::string& mustache) {
        check(api_->register_slot_partial(host_, slot.c_str(), mustache.c_str()), "slot " + slot);
    }

    void route(const std::string& method, const std::string& pattern, RouteHandler handler) {
        auto* holder = hold(std::move(handler));
        check(
            api_->register_route(host_, method.c_str(), pattern.c_str(), &routeTrampoline, holder),
            "route " + method + " " + pattern);
    }
    void event(const std::string& name, EventHandler handler) {
        auto* holder = hold(std::move(handler));
        check(api_->subscribe_event(host_, name.c_str(), &plainTrampoline<EventHandler, AgoraEvent>,
                                    holder),
              "event " + name);
    }
    void resolver(ResolverHandler handler) {
        auto* holder = hold(std::move(handler));
        check(api_->set_ability_resolver(host_, &resolverTrampoline, holder), "ability resolver");
    }
    // ABI 1.1: a count beside `label` (linking to `link`) in the page header.
    void badge(const std::string& label, const std::string& link, BadgeHandler handler) {
        if (!AGORA_HAS_MEMBER(api_, AgoraHostApi, register_badge))
            throw HostError(AGORA_ERR_STATE, "the host is too old for register_badge");
        auto* holder = hold(std::move(handler));
        check(api_->register_badge(host_, label.c_str(), link.c_str(), &badgeTrampoline, holder),
              "badge " + label);
    }
    void enableHook(TenantHandler handler) {
        auto* holder = hold(std::move(handler));
        check(
            api_->register_enable_hook(host_, &plainTrampoline<TenantHandler, AgoraTenant>, holder),
            "enable hook");
    }

private:
    // What a trampoline needs: the service table and the C++ callable. One kept per
    // registration, for the life of the process.
    struct HolderBase {
        virtual ~HolderBase() = default;
    };
    template <typename Fn>
    struct Holder : HolderBase {
        Holder(const AgoraHostApi* a, Fn f) : api(a), fn(std::move(f)) {}
        const AgoraHostApi* api;
        Fn fn;
    };

    template <typename Fn>
    Holder<Fn>* hold(Fn fn) {
        auto holder = std::make_unique<Holder<Fn>>(api_, std::move(fn));
        Holder<Fn>* raw = holder.get();
        holders_.push_back(std::move(holder));
        return raw;
    }

    void check(int rc, const std::string& what) const {
        if (rc != AGORA_OK)
            throw HostError(rc, "registering " + what + " failed (code " + std::to_string(rc) +
                                    "; the server log says why)");
    }

    static int routeTrampoline(void* user_data, AgoraCall* call, const AgoraRequest* request,
                               char* error, size_t cap) {
        auto* h = static_cast<Holder<RouteHandler>*>(user_data);
        Call c(h->api, call);
        try {
            h->fn(c, *request);
            return AGORA_OK;
        } catch (const Fail& f) {
            h->api->fail(call, f.status(), f.code().c_str(), f.what(),
                         f.field().empty() ? nullptr : f.field().c_str());
            return AGORA_OK;
        } catch (const std::exception& e) {
            copyError(error, cap, e.what());
        } catch (...) {
            copyError(error, cap, "unknown exception");
        }
        return AGORA_ERR;
    }
    // Event handlers and enable hooks: the callable gets the Call and the C struct.
    template <typename Fn, typename Arg>
    static int plainTrampoline(void* user_data, AgoraCall* call, const Arg* arg, char* error,
                               size_t cap) {
        auto* h = static_cast<Holder<Fn>*>(user_data);
        Call c(h->api, call);
        return guard(error, cap, [&] { h->fn(c, *arg); });
    }
    static int resolverTrampoline(void* user_data, AgoraCall* call, const AgoraAbilityQuery* query,
                                  AgoraAbilityAnswer* answer, char* error, size_t cap) {
        auto* h = static_cast<Holder<ResolverHandler>*>(user_data);
        Call c(h->api, call);
        return guard(error, cap, [&] {
            std::string reason;
            answer->answer = h->fn(c, *query, reason);
            copyError(answer->reason, sizeof answer->reason, reason.c_str());
        });
    }

    static int badgeTrampoline(void* user_data, AgoraCall* call, const AgoraRequest* request,
                               int64_t* count, char* error, size_t cap) {
        auto* h = static_cast<Holder<BadgeHandler>*>(user_data);
        Call c(h->api, call);
        return guard(error, cap, [&] { *count = h->fn(c, *request); });
    }

    const AgoraHostApi* api_;
    AgoraHost* host_;
    std::vector<std::unique_ptr<HolderBase>> holders_;
};

// Runs a plugin's setup with a Registrar that lives as long as the process (plugins are never
// unloaded); what setup throws refuses the plugin with its message. Used by AGORA_PLUGIN.
template <typename Setup>
int initPlugin(const AgoraHostApi* api, AgoraHost* host, void** plugin_ctx, char* error, size_t cap,
               Setup&& setup) noexcept {
    return guard(error, cap, [&] {
        auto* registrar = new Registrar(api, host);
        *plugin_ctx = registrar;
        setup(*registrar);
    });
}

}  // namespace agora::plugin

// The plugin's descriptor and exported entry point, at namespace scope in one source file:
//
//   AGORA_PLUGIN("hello", "1.0.0", "Says hello", agora::hello::registerAll)
//
// `setup` is called as setup(agora::plugin::Registrar&) while init runs; it registers
// everything the plugin has. The descriptor announces the ABI this header was built for.
#define AGORA_PLUGIN(name, version, summary, setup)                                               \
    namespace {                                                                                   \
    int agoraPluginInit(const AgoraHostApi* api, AgoraHost* host, void** plugin_ctx, char* error, \
                        size_t cap) {                                                             \
        return ::agora::plugin::initPlugin(api, host, plugin_ctx, error, cap, setup);             \
    }                                                                                             \
    const AgoraPluginDescriptor kAgoraPluginDescriptor = {sizeof(AgoraPluginDescriptor),          \
                                                          AGORA_PLUGIN_ABI_MAJOR,                 \
                                                          AGORA_PLUGIN_ABI_MINOR,                 \
                                                          name,                                   \
                                                          version,                                \
                                                          summary,                                \
                                                          agoraPluginInit};                       \
    }                                                                                             \
    extern "C" AGORA_PLUGIN_EXPORT const AgoraPluginDescriptor* agora_plugin_entry(void) {        \
        return &kAgoraPluginDescriptor;                                                           \
    }
