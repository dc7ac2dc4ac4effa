// The flags plugin's entry point: migrations and templates compiled in, the API and the
// pages, links from core pages, and the moderators' header badge.
//
// Rate limits are core's own flag limits (rate_limit.flags_per_day and
// rate_limit.new_user.flags_per_day, registered with the other rate limits), so the plugin
// registers no settings of its own.
#include "Embedded.h"
#include "FlagStore.h"
#include "Registration.h"

namespace agora::flags {

namespace {

struct Context {
    Context(const AgoraHostApi* api, AgoraHost* host) : registrar(api, host) {}
    plugin::Registrar registrar;
};

// Pending flags for moderators; everyone else gets 0 without a query (it runs on every page).
int64_t pendingBadge(Call& call, const AgoraRequest& req) {
    if (!req.viewer_is_moderator)
        return 0;
    return FlagStore(call).pendingCount();
}

int init(const AgoraHostApi* api, AgoraHost* host, void** plugin_ctx, char* error, size_t cap) {
    return plugin::guard(error, cap, [&] {
        // Lives as long as the process: plugins are never unloaded.
        auto* ctx = new Context(api, host);
        *plugin_ctx = ctx;
        auto& r = ctx->registrar;
        for (const auto* f = embeddedMigrations(); f->name; ++f)
            r.migration(f->name, f->text);
        for (const auto* f = embeddedTemplates(); f->name; ++f)
            r.templ(f->name, f->text);
        registerApiRoutes(r);
        registerPages(r);
        r.badge("Flags", "/mod/flags", pendingBadge);
    });
}

const AgoraPluginDescriptor kDescriptor = {
    sizeof(AgoraPluginDescriptor),
    AGORA_PLUGIN_ABI_MAJOR,
    AGORA_PLUGIN_ABI_MINOR,
    "flags",
    "1.0.0",
    "Flags on posts and comments, handled by moderators and curators",
    init};

}  // namespace

}  // namespace agora::flags

extern "C" AGORA_PLUGIN_EXPORT const AgoraPluginDescriptor* agora_plugin_entry(void) {
    return &agora::flags::kDescriptor;
}
