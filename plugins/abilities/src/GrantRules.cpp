#include "GrantRules.h"

namespace agora::abilities {

Thresholds Config::thresholdsFor(const AbilityInfo& ability) const {
    auto it = thresholds.find(ability.id);
    return it == thresholds.end() ? ability.defaults : it->second;
}

bool qualifies(const Config& config, const AbilityInfo& ability, const MemberOutcomes& outcomes) {
    if (ability.everyone)
        return true;
    Thresholds t = config.thresholdsFor(ability);
    if (t.manualOnly())
        return false;
    for (auto c : kCriteria) {
        auto threshold = t.get(c);
        if (threshold && !passes(config.scoring, outcomes.get(c), *threshold, config.minCount(c)))
            return false;
    }
    return true;
}

GrantChange decide(const Config& config, const AbilityInfo& ability, const MemberOutcomes& outcomes,
                   std::optional<GrantSource> held) {
    if (ability.everyone)
        return GrantChange::None;  // never stored: every member holds it
    bool q = qualifies(config, ability, outcomes);
    if (!held)
        return q ? GrantChange::Grant : GrantChange::None;
    if (*held == GrantSource::Auto && !q && config.auto_revoke)
        return GrantChange::Revoke;
    return GrantChange::None;
}

std::vector<CriterionProgress> progress(const Config& config, const AbilityInfo& ability,
                                        const MemberOutcomes& outcomes) {
    std::vector<CriterionProgress> out;
    if (ability.everyone)
        return out;
    Thresholds t = config.thresholdsFor(ability);
    for (auto c : kCriteria) {
        auto threshold = t.get(c);
        if (!threshold)
            continue;
        const auto& o = outcomes.get(c);
        CriterionProgress p;
        p.criterion = c;
        p.threshold = *threshold;
        p.score = score(config.scoring, o);
        p.good = o.good;
        p.bad = o.bad;
        p.min_count = config.minCount(c);
        p.passes = passes(config.scoring, o, *threshold, p.min_count);
        p.needed = needed(config.scoring, o, *threshold, p.min_count);
        out.push_back(p);
    }
    return out;
}

}  // namespace agora::abilities
