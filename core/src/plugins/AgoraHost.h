#pragma once

namespace agora {
class PluginHost;
struct LoadedPlugin;
}  // namespace agora

// The handle a plugin receives as `AgoraHost*` (agora/plugin_api.h): which plugin is talking
// to which host. One per loaded plugin, owned by its LoadedPlugin, alive for the whole process
// because plugins are never unloaded.
struct AgoraHost {
    agora::PluginHost* host = nullptr;
    agora::LoadedPlugin* plugin = nullptr;
};
