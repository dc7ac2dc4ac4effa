#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "AbilityCatalog.h"
#include "Scoring.h"

namespace agora::abilities {

// One tenant's ability settings, read once per evaluation.
struct Config {
    ScoringRule scoring;
    std::array<int64_t, 3> min_count{0, 0, 0};  // by Criterion
    bool auto_revoke = false;    // take automatic grants away when the member falls below
    bool new_site_mode = false;  // everyone counts as `unrestricted` while a community is new
    std::map<std::string, Thresholds> thresholds;  // by ability id; catalog defaults if absent

    Thresholds thresholdsFor(const AbilityInfo& ability) const;
    int64_t minCount(Criterion c) const { return min_count[static_cast<size_t>(c)]; }
};

struct MemberOutcomes {
    std::array<Outcomes, 3> by_criterion;  // by Criterion

    const Outcomes& get(Criterion c) const { return by_criterion[static_cast<size_t>(c)]; }
    Outcomes& get(Criterion c) { return by_criterion[static_cast<size_t>(c)]; }
};

enum class GrantSource { Auto, Manual };
enum class GrantChange { None, Grant, Revoke };

// Earned by activity: every criterion in use passes. `everyone` always qualifies; an ability
// without criteria never does (only a moderator grants it).
bool qualifies(const Config& config, const AbilityInfo& ability, const MemberOutcomes& outcomes);

// What evaluation does to a member's grant. A missing grant that qualifies is granted. An
// automatic grant that no longer qualifies is revoked only with auto_revoke; manual grants
// are never touched. Suspensions are separate and don't enter here.
GrantChange decide(const Config& config, const AbilityInfo& ability, const MemberOutcomes& outcomes,
                   std::optional<GrantSource> held);

struct CriterionProgress {
    Criterion criterion;
    double threshold = 0;
    double score = 0;
    int64_t good = 0;
    int64_t bad = 0;
    int64_t min_count = 0;
    bool passes = false;
    std::optional<int64_t> needed;  // good outcomes still needed; nullopt = out of reach
};

// Per criterion in use, where the member stands (what /users/ID/abilities shows).
std::vector<CriterionProgress> progress(const Config& config, const AbilityInfo& ability,
                                        const MemberOutcomes& outcomes);

}  // namespace agora::abilities
