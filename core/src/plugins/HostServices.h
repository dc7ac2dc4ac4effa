// The host services of the plugin ABI (agora/plugin_api.h), one file per group:
//   HostRegistration.cpp  registration while init runs, and log
//   HostDb.cpp            db_query, db_begin / commit / rollback
//   HostTenantData.cpp    events, notifications, audit rows, settings
//   HostCache.cpp         the signed, tenant-keyed Redis cache
//   HostRequest.cpp       the request being served: input, abilities, responses
//   HostContent.cpp       edit_post and diff_html
// HostApi.cpp fills the one table from them. What follows are the wrappers every service runs
// in: no exception crosses the boundary, each becomes a status (and last_error).
#pragma once

#include <agora/plugin_api.h>

#include <nlohmann/json.hpp>
#include <string>

#include "plugins/AgoraCall.h"
#include "plugins/LoadedPlugin.h"
#include "util/Error.h"

namespace agora::hostapi {

using json = nlohmann::json;

// ---- registration (init only) ---------------------------------------------------------------

// The plugin registering through `h`, or null when registration is closed.
LoadedPlugin* registering(AgoraHost* h, const char* what);
// Records a registration error on the plugin and returns `code`.
int refuse(LoadedPlugin& p, int code, const std::string& message);

// Runs a registration service; an exception becomes a registration error.
template <typename F>
int registration(AgoraHost* h, const char* what, F&& f) noexcept {
    LoadedPlugin* p = registering(h, what);
    if (!p)
        return AGORA_ERR_STATE;
    try {
        return f(*p);
    } catch (const std::exception& e) {
        return refuse(*p, AGORA_ERR_INVALID, std::string(what) + ": " + e.what());
    } catch (...) {
        return refuse(*p, AGORA_ERR, std::string(what) + ": unknown error");
    }
}

// True when `s` is non-null and matches the regular expression `pattern` as a whole.
bool matches(const char* s, const char* pattern);

// ---- per call -------------------------------------------------------------------------------

// Runs a per-call service: every exception becomes a status, with the message kept for
// last_error.
template <typename F>
int service(AgoraCall* call, F&& f) noexcept {
    if (!call)
        return AGORA_ERR_INVALID;
    try {
        return f(*call);
    } catch (const db::PgError& e) {
        call->last_error = e.what();
        if (e.retryable())
            call->retryable = e;
        return e.kind() == ErrorCode::Unavailable ? AGORA_ERR_UNAVAILABLE : AGORA_ERR_DATABASE;
    } catch (const Error& e) {
        call->last_error = e.what();
        return errorMapping(e.kind()).plugin_status;
    } catch (const json::exception& e) {
        call->last_error = std::string("malformed JSON: ") + e.what();
        return AGORA_ERR_INVALID;
    } catch (const std::exception& e) {
        call->last_error = e.what();
        return AGORA_ERR;
    } catch (...) {
        call->last_error = "unknown error";
        return AGORA_ERR;
    }
}

// Sets last_error and returns AGORA_ERR_STATE / AGORA_ERR_INVALID / the request-only refusal.
inline int stateError(AgoraCall& call, const std::string& message) {
    call.last_error = message;
    return AGORA_ERR_STATE;
}

inline int invalid(AgoraCall& call, const std::string& message) {
    call.last_error = message;
    return AGORA_ERR_INVALID;
}

inline int needRequest(AgoraCall& c, const char* what) {
    return stateError(c, std::string(what) + " is only available while serving a request");
}

// ---- the services (signatures as in AgoraHostApi) -------------------------------------------

int registerSetting(AgoraHost* h, const AgoraSettingDef* def);
int registerMigration(AgoraHost* h, const char* name, const char* sql);
int registerMigrationDir(AgoraHost* h, const char* dir);
int registerRoute(AgoraHost* h, const char* method, const char* pattern, AgoraRouteFn fn,
                  void* user_data);
int registerTemplate(AgoraHost* h, const char* name, const char* text);
int registerSlotPartial(AgoraHost* h, const char* slot, const char* text);
int subscribeEvent(AgoraHost* h, const char* event, AgoraEventFn fn, void* user_data);
int setAbilityResolver(AgoraHost* h, AgoraResolverFn fn, void* user_data);
int registerEnableHook(AgoraHost* h, AgoraTenantFn fn, void* user_data);
int registerBadge(AgoraHost* h, const char* label, const char* link, AgoraBadgeFn fn,
                  void* user_data);
void log(AgoraHost* h, int32_t level, const char* message);

int dbQuery(AgoraCall* call, const char* sql, const char* params_json, const char** rows_json,
            size_t* rows_len);
int dbBegin(AgoraCall* call);
int dbCommit(AgoraCall* call);
int dbRollback(AgoraCall* call);

int publishEvent(AgoraCall* call, const char* name, const char* payload_json);
int notifyMember(AgoraCall* call, int64_t member_id, const char* kind, const char* text,
                 const char* link);
int notifyMembers(AgoraCall* call, const char* items_json);
int audit(AgoraCall* call, const char* action, const char* target, const char* old_json,
          const char* new_json);
int auditMany(AgoraCall* call, const char* items_json);
int getSettings(AgoraCall* call, const char* prefix, const char** settings_json);
int setSettings(AgoraCall* call, const char* values_json);

int cacheGet(AgoraCall* call, const char* key, const char** value, size_t* value_len);
int cacheMget(AgoraCall* call, const char* keys_json, const char** values_json);
int cacheSet(AgoraCall* call, const char* key, const char* value, size_t value_len,
             int32_t ttl_seconds);
int cacheDel(AgoraCall* call, const char* key);
int cacheIncr(AgoraCall* call, const char* key, int64_t* value);

int checkAbility(AgoraCall* call, const char* ability, int32_t* granted, const char** reason);
int requestInput(AgoraCall* call, const char* name, const char** value);
int respond(AgoraCall* call, int32_t status, const char* content_type, const char* body,
            size_t body_len);
int respondPage(AgoraCall* call, int32_t status, const char* template_name, const char* data_json);
int redirect(AgoraCall* call, const char* location, int32_t status);
int fail(AgoraCall* call, int32_t status, const char* code, const char* message, const char* field);
int flash(AgoraCall* call, const char* message);

int editPost(AgoraCall* call, const char* edit_json, const char** result_json);
int diffHtmlService(AgoraCall* call, const char* before, const char* after, const char** html);

}  // namespace agora::hostapi
