#pragma once

#include "AbilityViews.h"

namespace agora::abilities {

enum class ModeratorAction { Suspend, Restore, Grant, Revoke };

// A moderator's change to one member's ability (path: users/{id}/abilities/{ability}/...).
// Inputs `days` and `message` (suspend) come from a JSON body or a form alike. One
// transaction: the change, the stamp, the notification and the audit row. Returns the
// member's state for that ability.
json moderate(const Call& call, const AgoraRequest& req, ModeratorAction action);

// An admin's threshold change for one ability (path: .../abilities/{ability}): records a
// re-evaluation, stores the settings, re-evaluates every member page by page, and returns what
// changed. A failure halfway answers 503 "reevaluation_incomplete" naming how far it got; the
// record stays (listed by incompleteReevaluations) until resumeReevaluation finishes it.
json changeThresholds(const Call& call, const AgoraRequest& req, const ThresholdChange& change);
// Continues an interrupted re-evaluation from its last committed page (409 when none).
json resumeReevaluation(const Call& call, const AgoraRequest& req);
// [{ability, done, total, started_at, failed, resume}] for re-evaluations not finished.
json incompleteReevaluations(const Call& call);
// The same judgement without writing anything.
json previewThresholds(const Call& call, const AgoraRequest& req, const ThresholdChange& change);

}  // namespace agora::abilities
