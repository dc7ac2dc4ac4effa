#pragma once

#include <agora/plugin_api.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migrate/Migrator.h"
#include "plugins/AgoraHost.h"
#include "settings/SettingDef.h"

namespace agora {

struct PluginRoute {
    std::string method;
    std::string pattern;
    AgoraRouteFn fn = nullptr;
    void* user_data = nullptr;
};

struct PluginSubscription {
    std::string event;
    AgoraEventFn fn = nullptr;
    void* user_data = nullptr;
};

struct PluginBadge {
    std::string label;
    std::string link;
    AgoraBadgeFn fn = nullptr;
    void* user_data = nullptr;
};

template <typename Fn>
struct PluginCallback {
    Fn fn = nullptr;
    void* user_data = nullptr;
};

// One file found in the plugin directory: either a plugin that passed the version check and
// initialised (ok), or the reason it was refused. Refused plugins are kept so `agora plugin
// list` can show why; nothing they registered is used.
struct LoadedPlugin {
    std::filesystem::path file;
    std::string name;
    std::string version;
    std::string summary;
    uint32_t abi_major = 0;
    uint32_t abi_minor = 0;
    bool ok = false;
    std::string error;  // what went wrong, naming expected and actual values
    std::string hint;   // what to do about it

    // What init registered (committed to the host only when init succeeded).
    std::vector<SettingDef> settings;
    std::vector<migrate::Step> migrations;  // names prefixed "<name>/"
    std::vector<PluginRoute> routes;
    std::map<std::string, std::string> templates;
    std::vector<std::pair<std::string, std::string>> slots;  // slot name, mustache
    std::vector<PluginSubscription> subscriptions;
    std::optional<PluginCallback<AgoraResolverFn>> resolver;
    std::vector<PluginCallback<AgoraTenantFn>> enable_hooks;
    std::vector<PluginBadge> badges;
    std::vector<std::string> registration_errors;

    bool initialising = false;  // registration services answer only while init runs
    void* plugin_ctx = nullptr;
    AgoraHost handle;
};

}  // namespace agora
