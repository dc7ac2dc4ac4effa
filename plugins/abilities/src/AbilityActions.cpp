#include "AbilityActions.h"

#include "GrantCache.h"
#include "Reevaluation.h"

namespace agora::abilities {

namespace {

int parseDays(const Call& call) {
    std::string raw;
    if (!call.input("days", raw) || raw.empty())
        throw Fail(422, "invalid", "days is required (0 = permanent)", "days");
    if (raw.size() > 5 || raw.find_first_not_of("0123456789") != std::string::npos)
        throw Fail(422, "invalid", "days must be a whole number from 0 (permanent) to 3650",
                   "days");
    int days = std::stoi(raw);
    if (days > 3650)
        throw Fail(422, "invalid", "days must be a whole number from 0 (permanent) to 3650",
                   "days");
    return days;
}

std::string parseMessage(const Call& call) {
    std::string message;
    call.input("message", message);
    auto first = message.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        throw Fail(422, "invalid", "a message for the member is required", "message");
    message = message.substr(first, message.find_last_not_of(" \t\r\n") - first + 1);
    if (message.size() > 1000)
        throw Fail(422, "invalid", "message must be at most 1000 characters", "message");
    return message;
}

json itemFor(const Call& call, const Config& config, const Member& member, const AgoraRequest& req,
             const std::string& ability) {
    auto all = memberAbilitiesJson(call, config, member, req);
    for (auto& item : all["items"])
        if (item["id"] == ability) {
            item["member"] = all["member"];
            return item;
        }
    return nullptr;
}

// Runs (or resumes) the recorded re-evaluation of `ability` after member `after`. On a failure
// the open page rolls back, the record notes when, and the admin is told how far it got and how
// to finish: members past the last committed page are still judged by the old thresholds.
ReevaluationResult runRecorded(const Call& call, const AgoraRequest& req,
                               const AbilityInfo& ability, int64_t after) {
    Actor actor{req.viewer_id, true};
    try {
        Config config = AbilityStore(call).config();
        auto result = Reevaluation(call, config).applyRecorded(ability.id, after, actor);
        GrantCache(call, req.tenant_slug).flushTenant();
        return result;
    } catch (const std::exception& e) {
        try {
            call.rollback();
        } catch (const std::exception&) {
            // No page was open.
        }
        GrantCache(call, req.tenant_slug).flushTenant();
        int64_t done = 0, total = 0;
        try {
            call.begin();
            call.query(
                "UPDATE ability_reevaluations SET failed_at = now(), error = $2 WHERE ability = $1",
                args(ability.id, std::string(e.what()).substr(0, 500)));
            auto row =
                rows(call, "SELECT done, total FROM ability_reevaluations WHERE ability = $1",
                     args(ability.id));
            call.commit();
            if (!row.empty()) {
                done = row[0]["done"].get<int64_t>();
                total = row[0]["total"].get<int64_t>();
            }
        } catch (const std::exception&) {
            // The database is gone too: the record still says how far the pages got.
        }
        throw Fail(503, "reevaluation_incomplete",
                   "re-evaluation of " + ability.id + " is incomplete: " + std::to_string(done) +
                       " of " + std::to_string(total) +
                       " members done with the new thresholds, the rest are still judged by the "
                       "previous ones. Resume it on /admin/abilities or with POST "
                       "/api/v1/admin/abilities/" +
                       ability.id + "/resume");
    }
}

}  // namespace

json incompleteReevaluations(const Call& call) {
    json out = json::array();
    for (auto& row : rows(call, "SELECT ability, done, total, " + iso("started_at") +
                                    " AS started_at, failed_at IS NOT NULL AS failed "
                                    "FROM ability_reevaluations ORDER BY ability")) {
        row["resume"] = "/api/v1/admin/abilities/" + row["ability"].get<std::string>() + "/resume";
        out.push_back(row);
    }
    return out;
}

json resumeReevaluation(const Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    auto p = Params::of(req);
    const auto& ability = abilityParam(p);
    auto job = rows(call,
                    "SELECT after_member, done, total FROM ability_reevaluations "
                    "WHERE ability = $1",
                    args(ability.id));
    if (job.empty())
        throw Fail(409, "nothing_to_resume",
                   "the re-evaluation of " + ability.id + " is not interrupted");
    int64_t before = job[0]["done"].get<int64_t>();
    int64_t total = job[0]["total"].get<int64_t>();
    auto result = runRecorded(call, req, ability, job[0]["after_member"].get<int64_t>());
    json summary = {{"resumed_after", before},
                    {"evaluated", result.evaluated},
                    {"gained", result.gain},
                    {"lost", result.lose}};
    call.begin();
    call.audit("thresholds.resume", "ability:" + ability.id, "", summary.dump());
    call.commit();
    return {{"ability", ability.id},
            {"complete", true},
            {"done", before + result.evaluated},
            {"total", total},
            {"evaluated", result.evaluated},
            {"gained", result.gain},
            {"lost", result.lose},
            {"sample", result.sample}};
}

json moderate(const Call& call, const AgoraRequest& req, ModeratorAction action) {
    requireModerator(req);
    auto p = Params::of(req);
    int64_t id = p.id("id");
    const auto& ability = abilityParam(p);
    AbilityStore store(call);
    auto member = store.member(id);
    if (!member)
        throw Fail(404, "not_found", "no member " + std::to_string(id));
    if (action == ModeratorAction::Suspend && member->isModerator())
        throw Fail(409, "target_is_moderator",
                   "moderators hold every ability through their role; change the role first");
    if (ability.everyone && (action == ModeratorAction::Grant || action == ModeratorAction::Revoke))
        throw Fail(422, "invalid", "every member holds everyone; suspend it instead", "ability");
    int days = 0;
    std::string message;
    if (action == ModeratorAction::Suspend) {
        days = parseDays(call);
        message = parseMessage(call);
    }
    Actor actor{req.viewer_id, true};
    bool changed = true;
    call.begin();
    switch (action) {
        case ModeratorAction::Suspend:
            store.suspend(id, ability, days, message, req.viewer_id);
            break;
        case ModeratorAction::Restore:
            if (!store.restore(id, ability, req.viewer_id))
                throw Fail(409, "not_suspended",
                           member->username + "'s " + ability.id + " ability is not suspended");
            break;
        case ModeratorAction::Grant:
            changed = store.grant(id, ability, GrantSource::Manual, actor);
            break;
        case ModeratorAction::Revoke:
            if (!store.revoke(id, ability, false, actor))
                throw Fail(409, "not_held", member->username + " does not hold " + ability.id);
            break;
    }
    call.commit();
    auto item = itemFor(call, store.config(), *member, req, ability.id);
    item["changed"] = changed;
    return item;
}

json changeThresholds(const Call& call, const AgoraRequest& req, const ThresholdChange& change) {
    requireAdmin(req);
    auto p = Params::of(req);
    const auto& ability = abilityParam(p);
    if (ability.everyone)
        throw Fail(422, "invalid", "every member holds everyone: it has no thresholds", "ability");
    AbilityStore store(call);
    Thresholds before = store.config().thresholdsFor(ability);
    Thresholds after = applyChange(before, change);
    json values = json::object();
    for (const auto& [c, v] : change)
        values["abilities." + ability.id + "." + criterionName(c) + "_score"] = nullable(v);
    // The record first: if anything after it fails, the admin is told a re-evaluation is
    // unfinished (resuming it with unchanged thresholds is harmless).
    call.begin();
    call.query(
        "INSERT INTO ability_reevaluations (ability, total, started_by) "
        "SELECT $1, count(*), $2 FROM members "
        "ON CONFLICT (ability) DO UPDATE SET after_member = 0, done = 0, total = EXCLUDED.total, "
        "started_at = now(), started_by = EXCLUDED.started_by, failed_at = NULL, error = NULL",
        args(ability.id, req.viewer_id));
    call.commit();
    // Stored (validated, audited, announced to every server) before anyone is judged by it.
    call.setSettings(values.dump());
    auto result = runRecorded(call, req, ability, 0);
    json summary = {{"thresholds", thresholdsJson(after)},
                    {"evaluated", result.evaluated},
                    {"gained", result.gain},
                    {"lost", result.lose}};
    call.begin();
    call.audit("thresholds", "ability:" + ability.id, thresholdsJson(before).dump(),
               summary.dump());
    call.commit();
    return {{"ability", ability.id},
            {"thresholds", thresholdsJson(after)},
            {"previous", thresholdsJson(before)},
            {"evaluated", result.evaluated},
            {"gained", result.gain},
            {"lost", result.lose},
            {"sample", result.sample}};
}

json previewThresholds(const Call& call, const AgoraRequest& req, const ThresholdChange& change) {
    requireAdmin(req);
    auto p = Params::of(req);
    const auto& ability = abilityParam(p);
    if (ability.everyone)
        throw Fail(422, "invalid", "every member holds everyone: it has no thresholds", "ability");
    AbilityStore store(call);
    Config config = store.config();
    Thresholds current = config.thresholdsFor(ability);
    config.thresholds[ability.id] = applyChange(current, change);
    auto result = Reevaluation(call, config).preview({ability.id});
    return {{"ability", ability.id},
            {"thresholds", thresholdsJson(config.thresholds[ability.id])},
            {"current", thresholdsJson(current)},
            {"evaluated", result.evaluated},
            {"gain", result.gain},
            {"lose", result.lose},
            {"sample", result.sample}};
}

}  // namespace agora::abilities
