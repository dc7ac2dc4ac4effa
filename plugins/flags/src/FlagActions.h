#pragma once

#include "FlagStore.h"
#include "RequestParams.h"

// The flag operations, shared by the JSON API and the HTML pages: each checks who may,
// validates, writes in one transaction and returns the JSON the API answers with.
namespace agora::flags {

// The viewer as the rules see them (asks the ability resolver for flag_curate once).
FlagViewer flagViewer(const Call& call, const AgoraRequest& req);

// A flag as `view` shows it (FlagView::None never gets here).
json flagJson(const json& row, FlagView view);

// POST /api/v1/posts/ID/flags and /api/v1/comments/ID/flags. Inputs: type (id or name),
// reason. Returns the new flag as its flagger sees it.
json raiseFlag(const Call& call, const AgoraRequest& req, TargetKind kind, int64_t target_id);
// POST /api/v1/flags/ID/resolve. Inputs: result (helpful|declined), message.
json resolveFlag(const Call& call, const AgoraRequest& req, int64_t id);
// POST /api/v1/flags/ID/escalate. Input: comment.
json escalateFlag(const Call& call, const AgoraRequest& req, int64_t id);

// GET /api/v1/flags (status, mine, page, per_page) and GET /api/v1/flags/ID.
json listFlags(const Call& call, const AgoraRequest& req, StatusFilter filter, bool mine,
               int64_t page, int64_t per_page);
json getFlag(const Call& call, const AgoraRequest& req, int64_t id);
StatusFilter statusFilter(const Params& p);

// GET /api/v1/users/ID/flag-summary (moderators).
json flagSummary(const Call& call, const AgoraRequest& req, int64_t member_id);

}  // namespace agora::flags
