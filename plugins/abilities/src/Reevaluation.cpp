#include "Reevaluation.h"

#include <algorithm>
#include <map>

namespace agora::abilities {

ReevaluationResult Reevaluation::preview(const std::vector<std::string>& abilities) const {
    return run(abilities, false, false, Actor{});
}

ReevaluationResult Reevaluation::apply(const std::vector<std::string>& abilities,
                                       bool own_transactions, const Actor& actor) const {
    return run(abilities, true, own_transactions, actor);
}

ReevaluationResult Reevaluation::applyRecorded(const std::string& ability, int64_t after,
                                               const Actor& actor) const {
    return run({ability}, true, true, actor, after, ability);
}

ReevaluationResult Reevaluation::run(const std::vector<std::string>& ids, bool write,
                                     bool own_transactions, const Actor& actor, int64_t after,
                                     const std::string& job) const {
    std::vector<const AbilityInfo*> judged;
    for (const auto& a : catalog())
        if (!a.everyone && (ids.empty() || std::find(ids.begin(), ids.end(), a.id) != ids.end()))
            judged.push_back(&a);
    ReevaluationResult result;
    AbilityStore store(call_);
    bool recorded = write && own_transactions && !job.empty();
    while (true) {
        if (write && own_transactions)
            call_.begin();
        // Members in id order, each with the grants they hold now (of any ability).
        auto page = rows(call_,
                         "SELECT m.id, m.username, coalesce((SELECT json_object_agg(ability, "
                         "source) FROM ability_grants g WHERE g.member_id = m.id), '{}'::json) "
                         "AS held FROM members m WHERE m.id > $1 ORDER BY m.id LIMIT $2",
                         args(after, kPageSize));
        if (page.empty()) {
            if (recorded)
                call_.query("DELETE FROM ability_reevaluations WHERE ability = $1", args(job));
            if (write && own_transactions)
                call_.commit();
            break;
        }
        std::vector<int64_t> ids_in_page;
        std::map<int64_t, json> username;
        for (const auto& row : page) {
            ids_in_page.push_back(row["id"].get<int64_t>());
            username[ids_in_page.back()] = row["username"];
        }
        auto outcomes = store.outcomes(ids_in_page, config_);
        // Decide the whole page first, then write each ability's changes as one batch: a
        // threshold change can move tens of thousands of members, and a few statements per
        // page instead of four per member is what keeps that within seconds.
        std::map<const AbilityInfo*, std::pair<std::vector<int64_t>, std::vector<int64_t>>> changes;
        for (const auto& row : page) {
            int64_t id = row["id"].get<int64_t>();
            ++result.evaluated;
            for (const auto* a : judged) {
                std::optional<GrantSource> held;
                if (auto it = row["held"].find(a->id); it != row["held"].end())
                    held = *it == "manual" ? GrantSource::Manual : GrantSource::Auto;
                auto change = decide(config_, *a, outcomes[id], held);
                if (change == GrantChange::Grant)
                    changes[a].first.push_back(id);
                else if (change == GrantChange::Revoke)
                    changes[a].second.push_back(id);
            }
        }
        auto record = [&](const AbilityInfo& a, const std::vector<int64_t>& members, bool gain) {
            (gain ? result.gain : result.lose) += static_cast<int64_t>(members.size());
            for (int64_t id : members) {
                if (result.sample.size() >= kSampleSize)
                    break;
                result.sample.push_back({{"id", id},
                                         {"username", username[id]},
                                         {"ability", a.id},
                                         {"change", gain ? "gain" : "lose"}});
            }
        };
        for (const auto& [a, lists] : changes) {
            // A concurrent event may have got there first: count only what changed here.
            record(*a, write ? store.grantMany(lists.first, *a, actor) : lists.first, true);
            record(*a, write ? store.revokeMany(lists.second, *a, actor) : lists.second, false);
        }
        if (recorded)
            call_.query(
                "UPDATE ability_reevaluations SET after_member = $2, done = done + $3 "
                "WHERE ability = $1",
                args(job, ids_in_page.back(), static_cast<int64_t>(ids_in_page.size())));
        if (write && own_transactions)
            call_.commit();
        after = ids_in_page.back();
    }
    return result;
}

}  // namespace agora::abilities
