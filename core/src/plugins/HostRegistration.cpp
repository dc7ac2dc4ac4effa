// Registration services: only while a plugin's init runs (registering() refuses after).
#include "plugins/HostServices.h"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <filesystem>
#include <kainjow/mustache.hpp>
#include <optional>
#include <regex>
#include <utility>

#include "http/Router.h"
#include "migrate/Migrator.h"
#include "settings/SettingsRegistry.h"

namespace agora::hostapi {

namespace {

bool validMustache(const std::string& text, std::string& why) {
    kainjow::mustache::mustache m(text);
    if (m.is_valid())
        return true;
    why = m.error_message();
    return false;
}

// The ABI's AGORA_SETTING_* as the registry's type; nullopt for an unknown one.
std::optional<SettingType> settingType(int32_t type) {
    static const std::pair<int32_t, SettingType> kTypes[] = {
        {AGORA_SETTING_BOOL, SettingType::Bool},   {AGORA_SETTING_INT, SettingType::Int},
        {AGORA_SETTING_FLOAT, SettingType::Float}, {AGORA_SETTING_STRING, SettingType::String},
        {AGORA_SETTING_COLOR, SettingType::Color}, {AGORA_SETTING_ENUM, SettingType::Enum},
    };
    for (const auto& [abi, ours] : kTypes)
        if (abi == type)
            return ours;
    return std::nullopt;
}

}  // namespace

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

bool matches(const char* s, const char* pattern) {
    return s && std::regex_match(s, std::regex(pattern));
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
        auto type = settingType(def->type);
        if (!type)
            return refuse(p, AGORA_ERR_INVALID,
                          "setting " + key + ": unknown type " + std::to_string(def->type));
        d.type = *type;
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

}  // namespace agora::hostapi
