#include "plugins/HostApi.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <kainjow/mustache.hpp>
#include <regex>

#include "app/App.h"
#include "content/PostService.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "notifications/NotificationService.h"
#include "plugins/AgoraCall.h"
#include "plugins/CacheSigning.h"
#include "plugins/LoadedPlugin.h"
#include "plugins/PluginSql.h"
#include "settings/SettingsService.h"
#include "tenancy/AuditLog.h"
#include "util/Error.h"
#include "util/TextDiff.h"

namespace agora {

namespace {

// ---- registration (init only) ---------------------------------------------------------------

// The plugin registering through `h`, or null when registration is closed.
LoadedPlugin* registering(AgoraHost* h, const char* what) {
    if (!h || !h->plugin)
        return nullptr;
    if (!h->plugin->initialising) {
        spdlog::error("plugin {}: {} after init is refused", h->plugin->name, what);
        return nullptr;
    }
    return h->plugin;
}

int refuse(LoadedPlugin& p, int code, const std::string& message) {
    p.registration_errors.push_back(message);
    return code;
}

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

bool matches(const char* s, const char* pattern) {
    return s && std::regex_match(s, std::regex(pattern));
}

bool validMustache(const std::string& text, std::string& why) {
    kainjow::mustache::mustache m(text);
    if (m.is_valid())
        return true;
    why = m.error_message();
    return false;
}

int registerSetting(AgoraHost* h, const AgoraSettingDef* def) {
    return registration(h, "register_setting", [&](LoadedPlugin& p) {
        // The size the struct had in ABI 1.0: a plugin built then must keep loading when later
        // minor versions add members (read those only when struct_size covers them).
        constexpr size_t v1_0 = offsetof(AgoraSettingDef, description) + sizeof(def->description);
        if (!def || def->struct_size < v1_0)
            return refuse(p, AGORA_ERR_INVALID, "setting definition missing or too small");
        std::string key = def->key ? def->key : "";
        if (key.rfind(p.name + ".", 0) != 0 || !matches(def->key, "^[a-z0-9_.]+$"))
            return refuse(p, AGORA_ERR_INVALID,
                          "setting key \"" + key + "\" must start with \"" + p.name +
                              ".\" and use only a-z 0-9 _ .");
        for (const auto& s : p.settings)
            if (s.key == key)
                return refuse(p, AGORA_ERR_DUPLICATE, "setting " + key + " registered twice");
        SettingDef d;
        d.key = key;
        switch (def->type) {
            case AGORA_SETTING_BOOL:
                d.type = SettingType::Bool;
                break;
            case AGORA_SETTING_INT:
                d.type = SettingType::Int;
                break;
            case AGORA_SETTING_FLOAT:
                d.type = SettingType::Float;
                break;
            case AGORA_SETTING_STRING:
                d.type = SettingType::String;
                break;
            case AGORA_SETTING_COLOR:
                d.type = SettingType::Color;
                break;
            case AGORA_SETTING_ENUM:
                d.type = SettingType::Enum;
                break;
            default:
                return refuse(p, AGORA_ERR_INVALID,
                              "setting " + key + ": unknown type " + std::to_string(def->type));
        }
        if (def->has_min)
            d.min = def->min;
        if (def->has_max)
            d.max = def->max;
        d.nullable = def->nullable != 0;
        if (def->choices_json)
            d.choices = json::parse(def->choices_json).get<std::vector<std::string>>();
        if (def->pattern) {
            d.pattern = def->pattern;
            std::regex check(d.pattern);  // throws on a malformed pattern
        }
        d.category = def->category && *def->category ? def->category : p.name;
        d.description = def->description ? def->description : "";
        d.owner = p.name;
        // The default must pass the setting's own rules.
        SettingsRegistry scratch;
        scratch.add(d);
        d.default_value =
            scratch.validate(key, json::parse(def->default_json ? def->default_json : "null"));
        p.settings.push_back(std::move(d));
        return AGORA_OK;
    });
}

int registerMigration(AgoraHost* h, const char* name, const char* sql) {
    return registration(h, "register_migration", [&](LoadedPlugin& p) {
        if (!matches(name, "^[A-Za-z0-9_.-]+\\.sql$") || !sql)
            return refuse(p, AGORA_ERR_INVALID,
                          std::string("migration name \"") + (name ? name : "") +
                              "\" must be a file name ending in .sql, with its SQL");
        std::string full = p.name + "/" + name;
        for (const auto& s : p.migrations)
            if (s.name == full)
                return refuse(p, AGORA_ERR_DUPLICATE, "migration " + full + " registered twice");
        p.migrations.push_back(migrate::Migrator::makeStep(full, sql));
        return AGORA_OK;
    });
}

int registerMigrationDir(AgoraHost* h, const char* dir) {
    return registration(h, "register_migration_dir", [&](LoadedPlugin& p) {
        if (!dir || !*dir)
            return refuse(p, AGORA_ERR_INVALID, "migration dir missing");
        std::filesystem::path path(dir);
        if (path.is_relative())
            path = p.file.parent_path() / path;
        if (!std::filesystem::is_directory(path))
            return refuse(p, AGORA_ERR_NOT_FOUND,
                          "migration dir " + path.string() + " does not exist");
        for (auto& s : migrate::Migrator::loadSteps(path, p.name + "/")) {
            for (const auto& existing : p.migrations)
                if (existing.name == s.name)
                    return refuse(p, AGORA_ERR_DUPLICATE,
                                  "migration " + s.name + " registered twice");
            p.migrations.push_back(std::move(s));
        }
        return AGORA_OK;
    });
}

int registerRoute(AgoraHost* h, const char* method, const char* pattern, AgoraRouteFn fn,
                  void* user_data) {
    return registration(h, "register_route", [&](LoadedPlugin& p) {
        if (!matches(method, "^(GET|POST|PUT|PATCH|DELETE)$"))
            return refuse(p, AGORA_ERR_INVALID,
                          std::string("route method \"") + (method ? method : "") +
                              "\" must be GET, POST, PUT, PATCH or DELETE");
        if (!matches(pattern, "^(/([A-Za-z0-9_.-]+|\\{[a-z_][a-z0-9_]*\\}))+/?$") || !fn)
            return refuse(p, AGORA_ERR_INVALID,
                          std::string("route pattern \"") + (pattern ? pattern : "") +
                              "\" must be a path like /api/v1/things/{id}, with a callback");
        for (const auto& r : p.routes) {
            if (r.method == method && r.pattern == pattern)
                return refuse(p, AGORA_ERR_DUPLICATE,
                              std::string("route ") + method + " " + pattern + " registered twice");
            if (Router::overlaps(r.method, r.pattern, method, pattern))
                return refuse(p, AGORA_ERR_DUPLICATE,
                              std::string("route ") + method + " " + pattern + " overlaps " +
                                  r.method + " " + r.pattern + " of the same plugin");
        }
        p.routes.push_back(PluginRoute{method, pattern, fn, user_data});
        return AGORA_OK;
    });
}

int registerTemplate(AgoraHost* h, const char* name, const char* text) {
    return registration(h, "register_template", [&](LoadedPlugin& p) {
        if (!matches(name, "^[a-z0-9_-]+$") || !text)
            return refuse(p, AGORA_ERR_INVALID,
                          std::string("template name \"") + (name ? name : "") +
                              "\" must be lower-case letters, digits, _ and -, with its text");
        std::string why;
        if (!validMustache(text, why))
            return refuse(p, AGORA_ERR_INVALID, std::string("template ") + name + ": " + why);
        if (!p.templates.emplace(name, text).second)
            return refuse(p, AGORA_ERR_DUPLICATE,
                          std::string("template ") + name + " registered twice");
        return AGORA_OK;
    });
}

int registerSlotPartial(AgoraHost* h, const char* slot, const char* text) {
    return registration(h, "register_slot_partial", [&](LoadedPlugin& p) {
        if (!matches(slot, "^[a-z0-9_]+$") || !text)
            return refuse(p, AGORA_ERR_INVALID, "slot partial needs a slot name and its text");
        std::string why;
        if (!validMustache(text, why))
            return refuse(p, AGORA_ERR_INVALID, std::string("slot ") + slot + ": " + why);
        p.slots.emplace_back(slot, text);
        return AGORA_OK;
    });
}

int subscribeEvent(AgoraHost* h, const char* event, AgoraEventFn fn, void* user_data) {
    return registration(h, "subscribe_event", [&](LoadedPlugin& p) {
        if (!matches(event, "^[a-z0-9_]+(\\.[a-z0-9_]+)+$") || !fn)
            return refuse(p, AGORA_ERR_INVALID,
                          std::string("event name \"") + (event ? event : "") +
                              "\" must look like \"vote.cast\", with a callback");
        p.subscriptions.push_back(PluginSubscription{event, fn, user_data});
        return AGORA_OK;
    });
}

int setAbilityResolver(AgoraHost* h, AgoraResolverFn fn, void* user_data) {
    return registration(h, "set_ability_resolver", [&](LoadedPlugin& p) {
        if (!fn)
            return refuse(p, AGORA_ERR_INVALID, "ability resolver callback missing");
        if (p.resolver)
            return refuse(p, AGORA_ERR_DUPLICATE, "ability resolver set twice");
        p.resolver = PluginCallback<AgoraResolverFn>{fn, user_data};
        return AGORA_OK;
    });
}

int registerEnableHook(AgoraHost* h, AgoraTenantFn fn, void* user_data) {
    return registration(h, "register_enable_hook", [&](LoadedPlugin& p) {
        if (!fn)
            return refuse(p, AGORA_ERR_INVALID, "enable hook callback missing");
        p.enable_hooks.push_back(PluginCallback<AgoraTenantFn>{fn, user_data});
        return AGORA_OK;
    });
}

int registerBadge(AgoraHost* h, const char* label, const char* link, AgoraBadgeFn fn,
                  void* user_data) {
    return registration(h, "register_badge", [&](LoadedPlugin& p) {
        if (!label || !*label || !fn || !matches(link, "^/[A-Za-z0-9_/?=&.-]*$"))
            return refuse(p, AGORA_ERR_INVALID,
                          "badge needs a label, a callback and a site-relative link");
        p.badges.push_back(PluginBadge{label, link, fn, user_data});
        return AGORA_OK;
    });
}

void log(AgoraHost* h, int32_t level, const char* message) {
    try {
        std::string who = h && h->plugin ? h->plugin->name : "?";
        const char* text = message ? message : "";
        switch (level) {
            case AGORA_LOG_DEBUG:
                spdlog::debug("[plugin {}] {}", who, text);
                break;
            case AGORA_LOG_INFO:
                spdlog::info("[plugin {}] {}", who, text);
                break;
            case AGORA_LOG_WARN:
                spdlog::warn("[plugin {}] {}", who, text);
                break;
            default:
                spdlog::error("[plugin {}] {}", who, text);
                break;
        }
    } catch (...) {
    }
}

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
        switch (e.kind()) {
            case ErrorCode::BadRequest:
            case ErrorCode::Invalid:
                return AGORA_ERR_INVALID;
            case ErrorCode::NotFound:
                return AGORA_ERR_NOT_FOUND;
            case ErrorCode::Unavailable:
                return AGORA_ERR_UNAVAILABLE;
            default:
                return AGORA_ERR;
        }
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

int stateError(AgoraCall& call, const std::string& message) {
    call.last_error = message;
    return AGORA_ERR_STATE;
}

int invalid(AgoraCall& call, const std::string& message) {
    call.last_error = message;
    return AGORA_ERR_INVALID;
}

const char* lastError(AgoraCall* call) {
    return call ? call->last_error.c_str() : "";
}

db::Param paramFromJson(const json& v) {
    if (v.is_null())
        return std::nullopt;
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return std::string(v.get<bool>() ? "t" : "f");
    return v.dump();  // numbers as written; objects and arrays as JSON text (jsonb params)
}

json valueToJson(const db::PgResult& r, int row, int col) {
    if (r.isNull(row, col))
        return nullptr;
    auto text = r.str(row, col);
    switch (r.type(col)) {
        case 16:  // bool
            return text == "t";
        case 20:  // int8
        case 21:  // int2
        case 23:  // int4
        case 26:  // oid
            return std::stoll(text);
        case 700:   // float4
        case 701:   // float8
        case 1700:  // numeric
            return std::stod(text);
        case 114:   // json
        case 3802:  // jsonb
            return json::parse(text);
        default:
            return text;
    }
}

int dbQuery(AgoraCall* call, const char* sql, const char* params_json, const char** rows_json,
            size_t* rows_len) {
    return service(call, [&](AgoraCall& c) {
        if (!sql || !rows_json)
            return invalid(c, "db_query needs SQL and an output pointer");
        db::Params params;
        if (params_json) {
            json p = json::parse(params_json);
            if (!p.is_array())
                return invalid(c, "db_query params must be a JSON array");
            for (const auto& v : p)
                params.push_back(paramFromJson(v));
        }
        if (!PluginSql::isRowStatement(sql))
            return invalid(c,
                           "db_query runs SELECT, INSERT, UPDATE, DELETE, WITH, VALUES or TABLE "
                           "statements only (schema changes belong in migrations)");
        // Extended protocol: exactly one statement, values bound, never spliced into the text;
        // under the tenant's role, so the database itself keeps it inside the tenant's schema.
        auto r = PluginSql::run(c.db(), c.tenant().db_role, sql, params);
        json rows = json::array();
        std::vector<std::string> names;
        for (int col = 0; col < r.columns(); ++col)
            names.push_back(r.columnName(col));
        for (int row = 0; row < r.rows(); ++row) {
            json obj = json::object();
            for (int col = 0; col < r.columns(); ++col)
                obj[names[col]] = valueToJson(r, row, col);
            rows.push_back(std::move(obj));
        }
        c.result = rows.dump(-1, ' ', false, json::error_handler_t::replace);
        *rows_json = c.result.c_str();
        if (rows_len)
            *rows_len = c.result.size();
        return AGORA_OK;
    });
}

int dbBegin(AgoraCall* call) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request)
            return stateError(c,
                              "db_begin: events, resolvers and enable hooks already run "
                              "inside their caller's transaction");
        if (c.tx || c.inTransaction())
            return stateError(c, "db_begin: a transaction is already open");
        c.tx.emplace(c.db());
        return AGORA_OK;
    });
}

int dbCommit(AgoraCall* call) {
    return service(call, [&](AgoraCall& c) {
        if (!c.tx)
            return stateError(c, "db_commit: no transaction opened with db_begin");
        c.tx->commit();
        c.tx.reset();
        return AGORA_OK;
    });
}

int dbRollback(AgoraCall* call) {
    return service(call, [&](AgoraCall& c) {
        if (!c.tx)
            return stateError(c, "db_rollback: no transaction opened with db_begin");
        c.tx.reset();
        return AGORA_OK;
    });
}

int publishEvent(AgoraCall* call, const char* name, const char* payload_json) {
    return service(call, [&](AgoraCall& c) {
        if (!matches(name, "^[a-z0-9_]+(\\.[a-z0-9_]+)+$"))
            return invalid(c, "event name must look like \"edit.approved\"");
        json payload = payload_json ? json::parse(payload_json) : json::object();
        if (!payload.is_object())
            return invalid(c, "event payload must be a JSON object");
        // Subscribers write in the publisher's transaction; without one each of their
        // statements would commit on its own.
        if (c.kind == AgoraCall::Kind::Request && !c.inTransaction())
            return stateError(c, "publish_event: open a transaction first (db_begin)");
        c.app.events().publish(c.db(), c.tenant(), Event{name, std::move(payload)});
        return AGORA_OK;
    });
}

int notifyMember(AgoraCall* call, int64_t member_id, const char* kind, const char* text,
                 const char* link) {
    return service(call, [&](AgoraCall& c) {
        if (member_id <= 0 || !kind || !*kind || !text)
            return invalid(c, "notify_member needs a member id, a kind and a text");
        // A staging copy holds real members' data; it must never message them.
        if (c.tenant().isStaging())
            return AGORA_OK;
        NotificationService::add(c.db(), member_id, kind, text, link ? link : "");
        return AGORA_OK;
    });
}

int notifyMembers(AgoraCall* call, const char* items_json) {
    return service(call, [&](AgoraCall& c) {
        json items = json::parse(items_json ? items_json : "");
        if (c.tenant().isStaging())
            return AGORA_OK;  // as notify_member: a copy never messages real people
        NotificationService::addMany(c.db(), items);
        return AGORA_OK;
    });
}

int auditMany(AgoraCall* call, const char* items_json) {
    return service(call, [&](AgoraCall& c) {
        json items = json::parse(items_json ? items_json : "");
        if (!items.is_array())
            return invalid(c, "audit_many needs a JSON array");
        json rows = json::array();
        for (const auto& it : items) {
            if (!it.is_object() || !it.contains("action") || !it["action"].is_string() ||
                it["action"].get<std::string>().empty())
                return invalid(c, "each audit row needs an action");
            std::string a = it["action"];
            if (a.rfind(c.plugin.name + ".", 0) != 0)
                a = c.plugin.name + "." + a;
            rows.push_back({{"action", a},
                            {"target", it.value("target", std::string())},
                            {"old", it.value("old", json(nullptr))},
                            {"new", it.value("new", json(nullptr))}});
        }
        if (rows.empty())
            return AGORA_OK;
        std::optional<int64_t> actor;
        if (c.viewer && c.viewer->signedIn())
            actor = c.viewer->account_id;
        c.db().q(
            "INSERT INTO network.audit_log (tenant_id, account_id, action, target, old_value, "
            "new_value) SELECT $1, $2, x.action, x.target, nullif(x.old, 'null'::jsonb), "
            "nullif(x.new, 'null'::jsonb) FROM jsonb_to_recordset($3::jsonb) "
            "AS x(action text, target text, old jsonb, new jsonb)",
            c.tenant().id, actor, rows.dump());
        return AGORA_OK;
    });
}

int audit(AgoraCall* call, const char* action, const char* target, const char* old_json,
          const char* new_json) {
    return service(call, [&](AgoraCall& c) {
        if (!action || !*action)
            return invalid(c, "audit needs an action");
        std::string a = action;
        if (a.rfind(c.plugin.name + ".", 0) != 0)
            a = c.plugin.name + "." + a;
        std::optional<int64_t> actor;
        if (c.viewer && c.viewer->signedIn())
            actor = c.viewer->account_id;
        auditLog(c.db(), c.tenant().id, actor, a, target ? target : "",
                 old_json ? json::parse(old_json) : json(nullptr),
                 new_json ? json::parse(new_json) : json(nullptr));
        return AGORA_OK;
    });
}

int getSettings(AgoraCall* call, const char* prefix, const char** settings_json) {
    return service(call, [&](AgoraCall& c) {
        if (!settings_json)
            return invalid(c, "get_settings needs an output pointer");
        std::string p = prefix ? prefix : "";
        TenantSettings effective(c.app.settings(), c.tenant());
        json out = json::object();
        for (const auto& d : c.app.settings().all())
            if (d.key.rfind(p, 0) == 0)
                out[d.key] = effective.get(d.key);
        c.result = out.dump();
        *settings_json = c.result.c_str();
        return AGORA_OK;
    });
}

int setSettings(AgoraCall* call, const char* values_json) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.viewer || !c.viewer->signedIn())
            return stateError(c,
                              "set_settings: only a signed-in member's request may change "
                              "settings");
        if (c.tx || c.inTransaction())
            return stateError(c, "set_settings commits on its own: commit first");
        json values = json::parse(values_json ? values_json : "null");
        if (!values.is_object())
            return invalid(c, "set_settings needs a JSON object");
        std::map<std::string, json> set;
        for (auto& [k, v] : values.items())
            set[k] = v;
        SettingsService::update(c.app, c.db(), c.tenant(), set, {}, c.viewer->account_id);
        c.refreshTenant(c.app.directory().byId(c.tenant().id));
        return AGORA_OK;
    });
}

// Keys carry the tenant's hash tag: a plugin can't read or clobber another tenant's entries,
// and a tenant's keys stay on one Redis Cluster node.
bool tenantKey(AgoraCall& c, const char* key) {
    if (!key || !*key) {
        c.last_error = "cache key missing";
        return false;
    }
    if (std::string(key).find("{" + c.tenant().slug + "}") == std::string::npos) {
        c.last_error =
            std::string("cache key \"") + key + "\" must contain \"{" + c.tenant().slug + "}\"";
        return false;
    }
    return true;
}

int unavailable(AgoraCall& c) {
    c.last_error = "Redis is unavailable";
    return AGORA_ERR_UNAVAILABLE;
}

// A stored value whose signature fails is a miss: Redis is not trusted with what plugins cache.
std::optional<std::string> openSigned(AgoraCall& c, const std::string& key,
                                      const std::string& stored) {
    auto value = CacheSigning::open(c.app.cacheKey(), key, stored);
    if (!value)
        spdlog::warn("plugin {}: cache value under {} has no valid signature; ignored",
                     c.plugin.name, key);
    return value;
}

int cacheGet(AgoraCall* call, const char* key, const char** value, size_t* value_len) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key) || !value)
            return AGORA_ERR_INVALID;
        auto r = c.app.redis().command({"GET", key});
        if (!r.ok)
            return unavailable(c);
        if (r.nil)
            return AGORA_ERR_NOT_FOUND;
        auto opened = openSigned(c, key, r.str);
        if (!opened)
            return AGORA_ERR_NOT_FOUND;
        c.result = std::move(*opened);
        *value = c.result.c_str();
        if (value_len)
            *value_len = c.result.size();
        return AGORA_OK;
    });
}

int cacheMget(AgoraCall* call, const char* keys_json, const char** values_json) {
    return service(call, [&](AgoraCall& c) {
        json keys = json::parse(keys_json ? keys_json : "null");
        if (!keys.is_array() || keys.empty() || !values_json)
            return invalid(c, "cache_mget needs a non-empty JSON array of keys");
        std::vector<std::string> argv = {"MGET"};
        for (const auto& k : keys) {
            if (!k.is_string() || !tenantKey(c, k.get<std::string>().c_str()))
                return AGORA_ERR_INVALID;
            argv.push_back(k.get<std::string>());
        }
        auto r = c.app.redis().command(argv);
        if (!r.ok)
            return unavailable(c);
        json out = json::array();
        for (size_t i = 0; i < r.elements.size(); ++i) {
            const auto& e = r.elements[i];
            auto opened = e ? openSigned(c, argv[i + 1], *e) : std::nullopt;
            out.push_back(opened ? json(*opened) : json(nullptr));
        }
        c.result = out.dump(-1, ' ', false, json::error_handler_t::replace);
        *values_json = c.result.c_str();
        return AGORA_OK;
    });
}

int cacheSet(AgoraCall* call, const char* key, const char* value, size_t value_len,
             int32_t ttl_seconds) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key) || !value)
            return AGORA_ERR_INVALID;
        std::vector<std::string> argv = {
            "SET", key,
            CacheSigning::sign(c.app.cacheKey(), key, std::string_view(value, value_len))};
        if (ttl_seconds > 0) {
            argv.push_back("EX");
            argv.push_back(std::to_string(ttl_seconds));
        }
        return c.app.redis().command(argv).ok ? AGORA_OK : unavailable(c);
    });
}

int cacheDel(AgoraCall* call, const char* key) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key))
            return AGORA_ERR_INVALID;
        return c.app.redis().del(key) ? AGORA_OK : unavailable(c);
    });
}

int cacheIncr(AgoraCall* call, const char* key, int64_t* value) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key))
            return AGORA_ERR_INVALID;
        auto r = c.app.redis().command({"INCR", key});
        if (!r.ok)
            return unavailable(c);
        if (value)
            *value = r.integer;
        return AGORA_OK;
    });
}

int needRequest(AgoraCall& c, const char* what) {
    return stateError(c, std::string(what) + " is only available while serving a request");
}

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
        ErrorCode kind;
        std::string fallback;
        switch (status) {
            case 400:
                kind = ErrorCode::BadRequest, fallback = "bad_request";
                break;
            case 401:
                kind = ErrorCode::Unauthorized, fallback = "unauthorized";
                break;
            case 403:
                kind = ErrorCode::Forbidden, fallback = "forbidden";
                break;
            case 404:
                kind = ErrorCode::NotFound, fallback = "not_found";
                break;
            case 409:
                kind = ErrorCode::Conflict, fallback = "conflict";
                break;
            case 413:
                kind = ErrorCode::PayloadTooLarge, fallback = "too_large";
                break;
            case 422:
                kind = ErrorCode::Invalid, fallback = "invalid";
                break;
            case 429:
                kind = ErrorCode::RateLimited, fallback = "rate_limited";
                break;
            case 503:
                kind = ErrorCode::Unavailable, fallback = "unavailable";
                break;
            default:
                return invalid(c, "fail: status must be 400 401 403 404 409 413 422 429 or 503");
        }
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

// A refused edit, as the error a direct edit would have answered.
int editRefused(AgoraCall& c, const Error& e) {
    c.last_error = e.what();
    c.result = json{{"error",
                     {{"status", httpStatusFor(e.kind())},
                      {"code", e.code()},
                      {"message", e.what()},
                      {"field", e.field()}}}}
                   .dump();
    switch (e.kind()) {
        case ErrorCode::NotFound:
            return AGORA_ERR_NOT_FOUND;
        case ErrorCode::Conflict:
            return AGORA_ERR_STATE;
        default:
            return AGORA_ERR_INVALID;
    }
}

std::optional<std::string> optionalText(const json& in, const char* key) {
    auto it = in.find(key);
    if (it == in.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        throw Error::invalid(key, std::string(key) + " must be a string");
    return it->get<std::string>();
}

std::vector<std::string> tagsField(const json& in) {
    const auto& t = in["tags"];
    if (!t.is_array())
        throw Error::invalid("tags", "tags must be an array of strings");
    std::vector<std::string> out;
    for (const auto& v : t) {
        if (!v.is_string())
            throw Error::invalid("tags", "tags must be an array of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

int editPost(AgoraCall* call, const char* edit_json, const char** result_json) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "edit_post");
        if (!result_json)
            return invalid(c, "edit_post needs an output pointer");
        if (!c.inTransaction())
            return stateError(c, "edit_post: open a transaction first (db_begin)");
        json in = json::parse(edit_json ? edit_json : "");
        if (!in.is_object() || !in.contains("post_id") || !in["post_id"].is_number_integer() ||
            !in.contains("editor_id") || !in["editor_id"].is_number_integer())
            return invalid(c, "edit_post needs {\"post_id\": N, \"editor_id\": N, …}");
        int64_t post_id = in["post_id"].get<int64_t>();
        EditCredit credit{in["editor_id"].get<int64_t>(), std::nullopt};
        if (in.contains("reviewer_id") && in["reviewer_id"].is_number_integer())
            credit.reviewer_id = in["reviewer_id"].get<int64_t>();
        bool dry_run = in.value("dry_run", false);
        // A refused edit must leave the plugin's transaction usable: run it in a savepoint.
        auto& db = c.db();
        db.exec("SAVEPOINT agora_edit_post");
        try {
            // Member input the plugin passed on: refused like a direct edit's bad fields.
            PostDraft d;
            d.title = optionalText(in, "title");
            d.body = optionalText(in, "body");
            d.comment = optionalText(in, "comment").value_or("");
            if (in.contains("tags") && !in["tags"].is_null())
                d.tags = tagsField(in);
            if (in.contains("base_revision") && !in["base_revision"].is_null()) {
                if (!in["base_revision"].is_number_integer())
                    throw Error::invalid("base_revision", "base_revision must be a number");
                d.base_revision = in["base_revision"].get<int64_t>();
            }
            PostService posts(*c.ctx);
            // What a direct edit's permission check refuses for everyone but moderators, a
            // suggestion refuses for all: a locked post, a deleted one (or a deleted
            // question's answer).
            auto f = posts.facts(post_id, true);
            if (f.locked)
                throw Error::conflict("locked", "the post is locked: no edits");
            bool deleted =
                f.deleted || !db.q("SELECT 1 FROM posts p JOIN posts q ON q.id = p.parent_id "
                                   "WHERE p.id = $1 AND q.deleted_at IS NOT NULL",
                                   post_id)
                                  .empty();
            if (deleted)
                throw Error::conflict("deleted", "the post is deleted: no edits");
            auto out = posts.applyEdit(f, d, credit, dry_run);
            db.exec("RELEASE SAVEPOINT agora_edit_post");
            json r = {{"revision", out.revision}};
            if (dry_run) {
                r["title"] = out.title ? json(*out.title) : json(nullptr);
                r["body"] = out.body;
                r["tags"] = out.tags;
            }
            c.result = r.dump();
        } catch (const Error& e) {
            db.exec("ROLLBACK TO SAVEPOINT agora_edit_post");
            if (e.kind() == ErrorCode::Invalid || e.kind() == ErrorCode::NotFound ||
                e.kind() == ErrorCode::Conflict) {
                int rc = editRefused(c, e);
                *result_json = c.result.c_str();
                return rc;
            }
            throw;
        }
        *result_json = c.result.c_str();
        return AGORA_OK;
    });
}

int diffHtmlService(AgoraCall* call, const char* before, const char* after, const char** html) {
    return service(call, [&](AgoraCall& c) {
        if (!html)
            return invalid(c, "diff_html needs an output pointer");
        c.result = diffHtml(before ? before : "", after ? after : "");
        *html = c.result.c_str();
        return AGORA_OK;
    });
}

AgoraHostApi makeApi() {
    AgoraHostApi api{};
    api.struct_size = sizeof api;
    api.abi_major = AGORA_PLUGIN_ABI_MAJOR;
    api.abi_minor = AGORA_PLUGIN_ABI_MINOR;
    api.register_setting = registerSetting;
    api.register_migration = registerMigration;
    api.register_migration_dir = registerMigrationDir;
    api.register_route = registerRoute;
    api.register_template = registerTemplate;
    api.register_slot_partial = registerSlotPartial;
    api.subscribe_event = subscribeEvent;
    api.set_ability_resolver = setAbilityResolver;
    api.register_enable_hook = registerEnableHook;
    api.log = log;
    api.last_error = lastError;
    api.db_query = dbQuery;
    api.db_begin = dbBegin;
    api.db_commit = dbCommit;
    api.db_rollback = dbRollback;
    api.publish_event = publishEvent;
    api.notify_member = notifyMember;
    api.audit = audit;
    api.get_settings = getSettings;
    api.set_settings = setSettings;
    api.cache_get = cacheGet;
    api.cache_mget = cacheMget;
    api.cache_set = cacheSet;
    api.cache_del = cacheDel;
    api.cache_incr = cacheIncr;
    api.check_ability = checkAbility;
    api.request_input = requestInput;
    api.respond = respond;
    api.respond_page = respondPage;
    api.redirect = redirect;
    api.fail = fail;
    api.flash = flash;
    api.register_badge = registerBadge;
    api.edit_post = editPost;
    api.diff_html = diffHtmlService;
    api.notify_members = notifyMembers;
    api.audit_many = auditMany;
    return api;
}

}  // namespace

const AgoraHostApi& hostApi() {
    // Built on first use (not a static initialiser): the table lives for the whole process.
    static const AgoraHostApi api = makeApi();
    return api;
}

}  // namespace agora
