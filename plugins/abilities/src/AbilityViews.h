#pragma once

#include <map>
#include <optional>
#include <string>

#include "AbilityStore.h"

namespace agora::abilities {

// The ability named in the path; 404 when there is none of that id.
const AbilityInfo& abilityParam(const Params& p, const std::string& name = "ability");

// Thresholds sent to PUT/preview: only the criteria named change; null = criterion unused.
using ThresholdChange = std::map<Criterion, std::optional<double>>;
ThresholdChange thresholdsFromJson(const std::string& body);
ThresholdChange thresholdsFromForm(const Call& call);
Thresholds applyChange(Thresholds t, const ThresholdChange& change);
json thresholdsJson(const Thresholds& t);

// GET /api/v1/abilities
json abilitiesJson(const Config& config);
// GET /api/v1/users/ID/abilities. Suspension messages go to the member and moderators only.
json memberAbilitiesJson(const Call& call, const Config& config, const Member& member,
                         const AgoraRequest& req);
// GET /api/v1/abilities/ID/holders (a page of them).
json holdersJson(const Call& call, const Config& config, const AbilityInfo& ability, int64_t page,
                 int64_t per_page);

}  // namespace agora::abilities
