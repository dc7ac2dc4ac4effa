// The reviews plugin's entry point: migrations, templates, the links it adds to core
// pages, and the routes. Decisions feed the abilities plugin through events only
// (edit.approved / edit.rejected): no plugin links another.
#include <agora/plugin_embed.hpp>

#include "Registration.h"
#include "SuggestionActions.h"

namespace agora::reviews {

namespace {

// Pending suggestions the viewer could act on. Runs on every page for signed-in viewers: one
// indexed count (pending rows only), nothing for anonymous ones.
int64_t pendingBadge(Call& call, const AgoraRequest& req) {
    if (!req.viewer_id)
        return 0;
    ListViewer viewer{req.viewer_id, req.viewer_is_moderator != 0, req.viewer_is_moderator != 0};
    if (!viewer.reviewer) {
        try {
            viewer.reviewer = call.hasAbility("edit_posts");
        } catch (const plugin::HostError&) {
            viewer.reviewer = false;  // not a request call on this host: count own posts only
        }
    }
    return SuggestionStore(call).actionable(viewer);
}

// Shown once per post on the question page: keep it to flags the slot data already has.
const char* kPostActionsSlot =
    "{{#viewer.signed_in}}{{^post.can_edit}}{{^post.locked}}{{^post.deleted}}"
    "<a href=\"/posts/{{post.id}}/suggest-edit\" class=\"suggest-edit\">Suggest edit</a>"
    "{{/post.deleted}}{{/post.locked}}{{/post.can_edit}}{{/viewer.signed_in}}";

}  // namespace

void registerAll(plugin::Registrar& r) {
    plugin::registerEmbeddedFiles(r);
    registerApiRoutes(r);
    registerPages(r);
    r.slot("post_actions", kPostActionsSlot);
    r.slot("nav",
           "{{#viewer.signed_in}}<a href=\"/review/suggested-edits\">Review</a>"
           "{{/viewer.signed_in}}");
    // A host that announces 1.1 but hasn't filled the service in yet must not crash init.
    const AgoraHostApi* api = r.api();
    if (AGORA_HAS_MEMBER(api, AgoraHostApi, register_badge) && api->register_badge)
        r.badge("Suggested edits", "/review/suggested-edits", pendingBadge);
}

}  // namespace agora::reviews

AGORA_PLUGIN("reviews", "1.0.0",
             "Suggested edits from members who can't edit yet, reviewed by editors and authors",
             agora::reviews::registerAll)
