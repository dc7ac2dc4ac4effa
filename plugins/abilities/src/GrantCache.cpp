#include "GrantCache.h"

namespace agora::abilities {

namespace {

constexpr int kEntryTtlSeconds = 3600;

json toJson(const GrantState& s, const std::string& generation) {
    json suspensions = json::array();
    for (const auto& x : s.suspensions)
        suspensions.push_back({{"ability", x.ability},
                               {"until", x.until ? json(*x.until) : json(nullptr)},
                               {"until_text", x.until_text},
                               {"message", x.message}});
    return {{"stamp", s.stamp},
            {"gen", generation},
            {"grants", s.grants},
            {"suspensions", suspensions}};
}

GrantState fromJson(const json& j) {
    GrantState s;
    s.stamp = j.at("stamp").get<std::string>();
    for (const auto& g : j.at("grants"))
        s.grants.insert(g.get<std::string>());
    for (const auto& x : j.at("suspensions")) {
        GrantState::Suspended sus;
        sus.ability = x.at("ability").get<std::string>();
        if (!x.at("until").is_null())
            sus.until = x.at("until").get<int64_t>();
        sus.until_text = x.value("until_text", std::string());
        sus.message = x.value("message", std::string());
        s.suspensions.push_back(std::move(sus));
    }
    return s;
}

}  // namespace

const GrantState::Suspended* GrantState::suspension(const std::string& ability, int64_t now) const {
    for (const auto& s : suspensions)
        if (s.ability == ability && (!s.until || *s.until > now))
            return &s;
    return nullptr;
}

std::string GrantCache::entryKey(int64_t member) const {
    return "ab:{" + slug_ + "}:" + std::to_string(member);
}

std::string GrantCache::generationKey() const {
    return "abv:{" + slug_ + "}";
}

void GrantCache::flushTenant() const {
    int64_t ignored = 0;
    call_.cacheIncr(generationKey(), ignored);
}

GrantState GrantCache::fromDatabase(int64_t member) const {
    // One statement, one snapshot: the stamp and the state it names are read together.
    auto r = rows(call_,
                  "SELECT coalesce((SELECT stamp::text FROM ability_stamps WHERE member_id = $1), "
                  "'-') AS stamp, "
                  "coalesce((SELECT json_agg(ability ORDER BY ability) FROM ability_grants "
                  "WHERE member_id = $1), '[]'::json) AS grants, "
                  "coalesce((SELECT json_agg(json_build_object('ability', ability, 'until', "
                  "extract(epoch FROM ends_at)::bigint, 'until_text', " +
                      iso("ends_at") +
                      ", 'message', message)) FROM ability_suspensions WHERE member_id = $1 AND "
                      "lifted_at IS NULL), '[]'::json) AS suspensions",
                  args(member));
    json entry = {
        {"stamp", r[0]["stamp"]}, {"grants", r[0]["grants"]}, {"suspensions", r[0]["suspensions"]}};
    for (auto& s : entry["suspensions"])
        if (s["until_text"].is_null())
            s["until_text"] = "";
    return fromJson(entry);
}

GrantState GrantCache::load(int64_t member) const {
    std::string key = entryKey(member);
    std::string values;
    int rc = call_.cacheMget(args(key, generationKey()), values);
    if (rc != AGORA_OK)
        return fromDatabase(member);  // Redis down: the database answers, every time
    json v = json::parse(values);
    std::string generation = v.size() > 1 && v[1].is_string() ? v[1].get<std::string>() : "0";
    if (v.size() > 0 && v[0].is_string()) {
        try {
            json entry = json::parse(v[0].get<std::string>());
            if (entry.value("gen", std::string()) == generation) {
                auto current = rows(call_,
                                    "SELECT coalesce((SELECT stamp::text FROM ability_stamps "
                                    "WHERE member_id = $1), '-') AS stamp",
                                    args(member));
                if (current[0]["stamp"] == entry.value("stamp", std::string()))
                    return fromJson(entry);
            }
        } catch (const json::exception&) {
            // A damaged entry is a miss.
        }
    }
    GrantState fresh = fromDatabase(member);
    call_.cacheSet(key, toJson(fresh, generation).dump(), kEntryTtlSeconds);
    return fresh;
}

}  // namespace agora::abilities
