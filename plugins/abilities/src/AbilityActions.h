#pragma once

#include "AbilityViews.h"

namespace agora::abilities {

enum class ModeratorAction { Suspend, Restore, Grant, Revoke };

// A moderator's change to one member's ability (path: users/{id}/abilities/{ability}/...).
// Inputs `days` and `message` (suspend) come from a JSON body or a form alike. One
// transaction: the change, the stamp, the notification and the audit row. Returns the
// member's state for that ability.
json moderate(const Call& call, const AgoraRequest& req, ModeratorAction action);

// An admin's threshold change for one ability (path: .../abilities/{ability}): stores the
// settings, re-evaluates every member, and returns what changed.
json changeThresholds(const Call& call, const AgoraRequest& req, const ThresholdChange& change);
// The same judgement without writing anything.
json previewThresholds(const Call& call, const AgoraRequest& req, const ThresholdChange& change);

}  // namespace agora::abilities
