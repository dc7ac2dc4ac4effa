#include "migrate/Rollout.h"

#include <algorithm>
#include <set>

#include "migrate/MigrationLinter.h"
#include "migrate/Rehearsal.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;

json TenantOutcome::toJson() const {
    json j = {{"slug", slug},          {"target", schema},   {"wave", str(wave)},
              {"status", str(status)}, {"applied", applied}, {"held_contract_steps", held}};
    if (!error.empty())
        j["error"] = error;
    if (!result.steps.empty())
        j["steps"] = result.toJson()["steps"];
    return j;
}

json RolloutResult::toJson() const {
    json t = json::array();
    for (const auto& o : tenants)
        t.push_back(o.toJson());
    return {{"ok", ok}, {"tenants", t}};
}

TenantOutcome Rollout::applyOne(db::PgConnection& conn, const Target& target, Wave wave,
                                const RolloutOptions& options) {
    TenantOutcome out;
    out.slug = target.slug;
    out.schema = target.schema;
    out.wave = wave;
    auto say = [&](const std::string& m) {
        if (options.progress)
            options.progress(target.slug + ": " + m);
    };
    std::vector<Step> pending;
    try {
        pending = plan_.pending(conn, target);
    } catch (const Error& e) {
        out.status = RolloutStatus::Failed;
        out.error = e.what();
        return out;
    }
    if (!options.contract) {
        // Contract steps wait until the code that used what they drop is gone everywhere.
        auto first = std::find_if(pending.begin(), pending.end(),
                                  [](const Step& s) { return s.phase == "contract"; });
        for (auto it = first; it != pending.end(); ++it)
            out.held.push_back(it->name);
        pending.erase(first, pending.end());
    }
    if (pending.empty()) {
        out.status = RolloutStatus::UpToDate;
        return out;
    }
    // The lint runs here too, before anything touches the tenant: a dangerous step refused by
    // `agora migrate lint` is refused by apply as well (opt-outs in the file work the same).
    if (auto refused = MigrationLinter::refusals(
            plan_.stepsFor(target), pending,
            target.isNetwork() ? "migrations/network" : "migrations/tenant");
        !refused.empty()) {
        out.status = RolloutStatus::Refused;
        out.error =
            "refused by the lint (agora migrate lint): " + MigrationLinter::describe(refused);
        return out;
    }
    if (!target.isStaging() && !options.unrehearsed) {
        int64_t current = Rehearsal::tableBytes(conn, target.schema);
        for (const auto& s : pending) {
            std::string why;
            if (!Rehearsal::rehearsed(conn, target.schema, s, current, why)) {
                out.status = RolloutStatus::Refused;
                out.error = why + "; run agora migrate rehearse " + target.slug +
                            " (or pass --unrehearsed)";
                return out;
            }
        }
    }
    ApplyOptions ao = options.apply;
    // Steps without a statement_timeout of their own get one sized from their rehearsal.
    if (!target.isStaging())
        for (const auto& s : pending)
            if (auto ms = Rehearsal::estimatedMs(conn, target.schema, s))
                ao.rehearsed_ms[s.name] = *ms;
    ao.progress = say;
    ao.database_url = database_url_;
    out.result = OnlineApplier(conn, ao).apply(target.schema, pending);
    for (const auto& r : out.result.steps)
        if (r.ok)
            out.applied.push_back(r.step);
    out.status = out.result.ok ? RolloutStatus::Applied : RolloutStatus::Failed;
    out.error = out.result.error;
    return out;
}

RolloutResult Rollout::run(const std::vector<std::string>& slugs, const RolloutOptions& options) {
    auto lease = owner_.acquire();
    auto& conn = *lease;
    RolloutResult res;

    std::vector<std::pair<Target, Wave>> order;  // target, wave
    if (!slugs.empty()) {
        for (const auto& slug : slugs) {
            auto t = MigrationPlan::tenant(conn, slug);
            if (!t)
                throw Error::notFound("no tenant " + slug);
            order.emplace_back(*t, t->isStaging() ? Wave::Staging : Wave::Main);
        }
    } else {
        auto all = MigrationPlan::targets(conn);
        std::set<std::string> canary_set(options.canaries.begin(), options.canaries.end());
        for (const auto& c : options.canaries) {
            auto it =
                std::find_if(all.begin(), all.end(), [&](const Target& t) { return t.slug == c; });
            if (it == all.end())
                throw Error::invalid("canary", "no tenant " + c);
            if (it->isStaging())
                throw Error::invalid("canary", c + " is a staging copy (those always go first)");
        }
        for (const auto& t : all)
            if (!t.isNetwork() && t.isStaging())
                order.emplace_back(t, Wave::Staging);
        for (const auto& c : options.canaries)
            for (const auto& t : all)
                if (t.slug == c)
                    order.emplace_back(t, Wave::Canary);
        for (const auto& t : all)
            if (!t.isNetwork() && !t.isStaging() && !canary_set.count(t.slug))
                order.emplace_back(t, Wave::Main);
    }

    std::string halted;
    for (const auto& [target, wave] : order) {
        if (!halted.empty() && wave == Wave::Main) {
            TenantOutcome skipped;
            skipped.slug = target.slug;
            skipped.schema = target.schema;
            skipped.wave = wave;
            skipped.status = RolloutStatus::Skipped;
            skipped.error = halted;
            res.tenants.push_back(std::move(skipped));
            continue;
        }
        auto outcome = applyOne(conn, target, wave, options);
        if (options.progress)
            options.progress(target.slug + ": " + str(outcome.status) +
                             (outcome.error.empty() ? "" : " — " + outcome.error));
        if (outcome.failed()) {
            res.ok = false;
            if (wave != Wave::Main && slugs.empty())
                halted = "not attempted: " + str(wave) + " tenant " + target.slug + " " +
                         str(outcome.status);
        }
        res.tenants.push_back(std::move(outcome));
    }
    if (!halted.empty())
        res.ok = false;
    return res;
}

}  // namespace agora::migrate
