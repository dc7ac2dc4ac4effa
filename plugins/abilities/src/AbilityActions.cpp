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

}  // namespace

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
    // Stored (validated, audited, announced to every server) before anyone is judged by it.
    call.setSettings(values.dump());
    Config config = store.config();
    auto result = Reevaluation(call, config).apply({ability.id}, true, Actor{req.viewer_id, true});
    GrantCache(call, req.tenant_slug).flushTenant();
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
