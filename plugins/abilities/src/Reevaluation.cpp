#include "Reevaluation.h"

#include <algorithm>

namespace agora::abilities {

ReevaluationResult Reevaluation::preview(const std::vector<std::string>& abilities) const {
    return run(abilities, false, false, Actor{});
}

ReevaluationResult Reevaluation::apply(const std::vector<std::string>& abilities,
                                       bool own_transactions, const Actor& actor) const {
    return run(abilities, true, own_transactions, actor);
}

ReevaluationResult Reevaluation::run(const std::vector<std::string>& ids, bool write,
                                     bool own_transactions, const Actor& actor) const {
    std::vector<const AbilityInfo*> judged;
    for (const auto& a : catalog())
        if (!a.everyone && (ids.empty() || std::find(ids.begin(), ids.end(), a.id) != ids.end()))
            judged.push_back(&a);
    ReevaluationResult result;
    AbilityStore store(call_);
    int64_t after = 0;
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
            if (write && own_transactions)
                call_.commit();
            break;
        }
        std::vector<int64_t> ids_in_page;
        for (const auto& row : page)
            ids_in_page.push_back(row["id"].get<int64_t>());
        auto outcomes = store.outcomes(ids_in_page, config_);
        for (const auto& row : page) {
            int64_t id = row["id"].get<int64_t>();
            ++result.evaluated;
            for (const auto* a : judged) {
                std::optional<GrantSource> held;
                if (auto it = row["held"].find(a->id); it != row["held"].end())
                    held = *it == "manual" ? GrantSource::Manual : GrantSource::Auto;
                auto change = decide(config_, *a, outcomes[id], held);
                if (change == GrantChange::None)
                    continue;
                bool done = true;
                if (write)
                    done = change == GrantChange::Grant
                               ? store.grant(id, *a, GrantSource::Auto, actor)
                               : store.revoke(id, *a, true, actor);
                if (!done)
                    continue;  // a concurrent event got there first
                (change == GrantChange::Grant ? result.gain : result.lose) += 1;
                if (result.sample.size() < kSampleSize)
                    result.sample.push_back(
                        {{"id", id},
                         {"username", row["username"]},
                         {"ability", a->id},
                         {"change", change == GrantChange::Grant ? "gain" : "lose"}});
            }
        }
        if (write && own_transactions)
            call_.commit();
        after = ids_in_page.back();
    }
    return result;
}

}  // namespace agora::abilities
