// The flags plugin's entry point: migrations and templates compiled in, the API and the
// pages, links from core pages, and the moderators' header badge.
//
// Rate limits are core's own flag limits (rate_limit.flags_per_day and
// rate_limit.new_user.flags_per_day, registered with the other rate limits), so the plugin
// registers no settings of its own.
#include <agora/plugin_embed.hpp>

#include "FlagStore.h"
#include "Registration.h"

namespace agora::flags {

namespace {

// Pending flags for moderators; everyone else gets 0 without a query (it runs on every page).
int64_t pendingBadge(Call& call, const AgoraRequest& req) {
    if (!req.viewer_is_moderator)
        return 0;
    return FlagStore(call).pendingCount();
}

}  // namespace

void registerAll(plugin::Registrar& r) {
    plugin::registerEmbeddedFiles(r);
    registerApiRoutes(r);
    registerPages(r);
    r.badge("Flags", "/mod/flags", pendingBadge);
}

}  // namespace agora::flags

AGORA_PLUGIN("flags", "1.0.0", "Flags on posts and comments, handled by moderators and curators",
             agora::flags::registerAll)
