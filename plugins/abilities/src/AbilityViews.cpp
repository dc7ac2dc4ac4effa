#include "AbilityViews.h"

#include <cmath>
#include <ctime>

namespace agora::abilities {

namespace {

json round4(double v) {
    return std::round(v * 10000.0) / 10000.0;
}

std::optional<double> thresholdValue(const json& v, const std::string& field) {
    if (v.is_null())
        return std::nullopt;
    if (!v.is_number())
        throw Fail(422, "invalid", field + " must be a number from 0 to 1, or null", field);
    double d = v.get<double>();
    if (!(d >= 0.0 && d <= 1.0))
        throw Fail(422, "invalid", field + " must be a number from 0 to 1, or null", field);
    return d;
}

}  // namespace

const AbilityInfo& abilityParam(const Params& p, const std::string& name) {
    const auto* a = findAbility(p.text(name));
    if (!a)
        throw Fail(404, "not_found", "no ability \"" + p.text(name) + "\"");
    return *a;
}

ThresholdChange thresholdsFromJson(const std::string& body) {
    json b;
    try {
        b = json::parse(body.empty() ? "{}" : body);
    } catch (const json::exception&) {
        throw Fail(400, "bad_request", "request body is not valid JSON");
    }
    if (!b.is_object())
        throw Fail(400, "bad_request", "request body must be a JSON object");
    ThresholdChange change;
    for (auto& [key, value] : b.items()) {
        std::optional<Criterion> c;
        for (auto cand : kCriteria)
            if (key == std::string(criterionName(cand)) + "_score")
                c = cand;
        if (!c)
            throw Fail(422, "invalid",
                       "unknown field " + key + " (send post_score, edit_score or flag_score)",
                       key);
        change[*c] = thresholdValue(value, key);
    }
    if (change.empty())
        throw Fail(422, "invalid", "send at least one of post_score, edit_score, flag_score",
                   "post_score");
    return change;
}

ThresholdChange thresholdsFromForm(const Call& call) {
    ThresholdChange change;
    for (auto c : kCriteria) {
        std::string field = std::string(criterionName(c)) + "_score";
        std::string raw;
        if (!call.input(field, raw))
            continue;
        if (raw.empty()) {
            change[c] = std::nullopt;
            continue;
        }
        try {
            size_t used = 0;
            double d = std::stod(raw, &used);
            if (used != raw.size())
                throw std::invalid_argument(raw);
            change[c] = thresholdValue(json(d), field);
        } catch (const Fail&) {
            throw;
        } catch (const std::exception&) {
            throw Fail(422, "invalid", field + " must be a number from 0 to 1, or empty", field);
        }
    }
    return change;
}

Thresholds applyChange(Thresholds t, const ThresholdChange& change) {
    for (const auto& [c, v] : change)
        t.set(c, v);
    return t;
}

json thresholdsJson(const Thresholds& t) {
    return {{"post_score", nullable(t.post)},
            {"edit_score", nullable(t.edit)},
            {"flag_score", nullable(t.flag)}};
}

json abilitiesJson(const Config& config) {
    json items = json::array();
    for (const auto& a : catalog()) {
        auto t = config.thresholdsFor(a);
        items.push_back({{"id", a.id},
                         {"name", a.name},
                         {"summary", a.summary},
                         {"everyone", a.everyone},
                         {"manual_only", !a.everyone && t.manualOnly()},
                         {"thresholds", a.everyone ? json(nullptr) : thresholdsJson(t)},
                         {"defaults", a.everyone ? json(nullptr) : thresholdsJson(a.defaults)}});
    }
    return {{"items", items},
            {"page", 1},
            {"per_page", items.size()},
            {"total", items.size()},
            {"scoring", config.scoring.text()},
            {"min_count",
             {{"post", config.minCount(Criterion::Post)},
              {"edit", config.minCount(Criterion::Edit)},
              {"flag", config.minCount(Criterion::Flag)}}},
            {"auto_revoke", config.auto_revoke},
            {"new_site_mode", config.new_site_mode}};
}

json memberAbilitiesJson(const Call& call, const Config& config, const Member& member,
                         const AgoraRequest& req) {
    AbilityStore store(call);
    auto outcomes = store.outcomes(member.id, config);
    auto held = store.grants(member.id);
    auto suspensions = store.suspensions(member.id);
    bool private_view = req.viewer_id == member.id || req.viewer_is_moderator;
    json items = json::array();
    for (const auto& a : catalog()) {
        const Suspension* suspended = nullptr;
        for (const auto& s : suspensions)
            if (s.ability == a.id)
                suspended = &s;
        auto grant = held.find(a.id);
        bool holds =
            a.everyone || grant != held.end() || (a.id == "unrestricted" && config.new_site_mode);
        json item = {
            {"id", a.id},
            {"name", a.name},
            {"summary", a.summary},
            {"granted", member.isModerator() || (holds && !suspended)},
            {"held", grant != held.end()},
            {"source", grant != held.end()
                           ? json(grant->second.source == GrantSource::Manual ? "manual" : "auto")
                           : json(nullptr)},
            {"granted_at", grant != held.end() ? json(grant->second.granted_at) : json(nullptr)},
            {"everyone", a.everyone},
            {"manual_only", !a.everyone && config.thresholdsFor(a).manualOnly()},
            {"suspended", nullptr}};
        if (member.isModerator())
            item["via_role"] = member.role;
        if (suspended) {
            json s = {{"until", suspended->until ? json(*suspended->until) : json(nullptr)},
                      {"permanent", !suspended->until},
                      {"since", suspended->since}};
            if (private_view)
                s["message"] = suspended->message;
            item["suspended"] = s;
        }
        json criteria = json::array();
        for (const auto& p : progress(config, a, outcomes)) {
            criteria.push_back({{"criterion", criterionName(p.criterion)},
                                {"score", round4(p.score)},
                                {"threshold", p.threshold},
                                {"good", p.good},
                                {"bad", p.bad},
                                {"min_count", p.min_count},
                                {"passes", p.passes},
                                {"needed", p.needed ? json(*p.needed) : json(nullptr)}});
        }
        item["criteria"] = criteria;
        items.push_back(std::move(item));
    }
    return {{"member",
             {{"id", member.id},
              {"username", member.username},
              {"display_name", member.display_name},
              {"role", member.role}}},
            {"scoring", config.scoring.text()},
            {"items", items},
            {"total", items.size()}};
}

json holdersJson(const Call& call, const Config& config, const AbilityInfo& ability, int64_t page,
                 int64_t per_page) {
    (void)config;
    std::string holders =
        ability.everyone
            ? "SELECT m.id, m.username, m.display_name, m.role, 'everyone'::text AS source, "
              "NULL::timestamptz AS granted_at, NULL::bigint AS granted_by FROM members m "
              "WHERE $1::text IS NOT NULL"
            : "SELECT m.id, m.username, m.display_name, m.role, g.source, g.granted_at, "
              "g.granted_by FROM ability_grants g JOIN members m ON m.id = g.member_id WHERE "
              "g.ability = $1 UNION ALL SELECT m.id, m.username, m.display_name, m.role, "
              "'role', NULL, NULL FROM members m WHERE m.role IN ('moderator', 'admin') AND NOT "
              "EXISTS (SELECT 1 FROM ability_grants g WHERE g.member_id = m.id AND g.ability = "
              "$1)";
    auto r = rows(call,
                  "WITH holders AS (" + holders +
                      ") SELECT h.id, h.username, h.display_name, h.role, h.source, " +
                      iso("h.granted_at") +
                      " AS granted_at, h.granted_by, EXISTS (SELECT 1 FROM ability_suspensions "
                      "s WHERE s.member_id = h.id AND s.ability = $1 AND s.lifted_at IS NULL AND "
                      "(s.ends_at IS NULL OR s.ends_at > now())) AS suspended, count(*) OVER () "
                      "AS total FROM holders h ORDER BY h.granted_at DESC NULLS LAST, h.id "
                      "LIMIT $2 OFFSET $3",
                  args(ability.id, per_page, (page - 1) * per_page));
    json items = json::array();
    int64_t total = 0;
    for (const auto& row : r) {
        total = row["total"].get<int64_t>();
        items.push_back({{"member",
                          {{"id", row["id"]},
                           {"username", row["username"]},
                           {"display_name", row["display_name"]},
                           {"role", row["role"]}}},
                         {"source", row["source"]},
                         {"granted_at", row["granted_at"]},
                         {"granted_by", row["granted_by"]},
                         {"suspended", row["suspended"]}});
    }
    if (r.empty() && page > 1) {
        auto count =
            rows(call, "WITH holders AS (" + holders + ") SELECT count(*) AS n FROM holders",
                 args(ability.id));
        total = count[0]["n"].get<int64_t>();
    }
    return {{"ability", ability.id},
            {"items", items},
            {"page", page},
            {"per_page", per_page},
            {"total", total}};
}

}  // namespace agora::abilities
