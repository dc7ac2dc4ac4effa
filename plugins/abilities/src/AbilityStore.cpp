#include "AbilityStore.h"

#include <algorithm>

namespace agora::abilities {

namespace {

// Column pairs of ability_counters, by criterion: good, bad.
const char* const kCounterColumns[3][2] = {
    {"good_posts", "bad_posts"},
    {"approved_edits", "rejected_edits"},
    {"helpful_flags", "declined_flags"},
};

std::string counterUpsert(Criterion c) {
    std::string good = kCounterColumns[static_cast<size_t>(c)][0];
    std::string bad = kCounterColumns[static_cast<size_t>(c)][1];
    return "INSERT INTO ability_counters (member_id, " + good + ", " + bad +
           ") VALUES ($1, GREATEST(0, $2::int), GREATEST(0, $3::int)) "
           "ON CONFLICT (member_id) DO UPDATE SET " +
           good + " = GREATEST(0, ability_counters." + good + " + $2::int), " + bad +
           " = GREATEST(0, ability_counters." + bad + " + $3::int), updated_at = now()";
}

std::string target(int64_t member, const std::string& ability) {
    return "member:" + std::to_string(member) + "/" + ability;
}

std::string arrayLiteral(const std::vector<int64_t>& ids) {
    std::string out = "{";
    for (size_t i = 0; i < ids.size(); ++i)
        out += (i ? "," : "") + std::to_string(ids[i]);
    return out + "}";
}

void fillCounters(MemberOutcomes& out, const json& row) {
    for (auto c : kCriteria) {
        auto& o = out.get(c);
        o.good = row.value(kCounterColumns[static_cast<size_t>(c)][0], int64_t{0});
        o.bad = row.value(kCounterColumns[static_cast<size_t>(c)][1], int64_t{0});
    }
}

const char* kCounterSelect =
    "SELECT member_id, good_posts, bad_posts, approved_edits, rejected_edits, helpful_flags, "
    "declined_flags FROM ability_counters ";

// The newest N outcomes per member and criterion, oldest first.
const char* kRecentSelect =
    "SELECT member_id, criterion, good FROM (SELECT member_id, criterion, good, id, "
    "row_number() OVER (PARTITION BY member_id, criterion ORDER BY id DESC) AS n "
    "FROM ability_outcomes WHERE member_id = ANY($1::bigint[])) recent WHERE n <= $2 "
    "ORDER BY member_id, criterion, id";

}  // namespace

Config AbilityStore::config() const {
    json s = json::parse(call_.settings("abilities."));
    Config config;
    auto text = s.value("abilities.scoring", std::string("laplace"));
    config.scoring = ScoringRule::parse(text).value_or(ScoringRule{});
    for (auto c : kCriteria) {
        auto key = std::string("abilities.min_count.") + criterionName(c);
        config.min_count[static_cast<size_t>(c)] = s.value(key, int64_t{0});
    }
    config.auto_revoke = s.value("abilities.auto_revoke", false);
    config.new_site_mode = s.value("abilities.new_site_mode", false);
    for (const auto& a : catalog()) {
        if (a.everyone)
            continue;
        Thresholds t;
        for (auto c : kCriteria) {
            auto it = s.find("abilities." + a.id + "." + criterionName(c) + "_score");
            if (it != s.end() && it->is_number())
                t.set(c, it->get<double>());
        }
        config.thresholds[a.id] = t;
    }
    return config;
}

std::optional<Member> AbilityStore::member(int64_t id) const {
    auto r =
        rows(call_, "SELECT id, username, display_name, role FROM members WHERE id = $1", args(id));
    if (r.empty())
        return std::nullopt;
    return Member{r[0]["id"], r[0]["username"], r[0]["display_name"], r[0]["role"]};
}

MemberOutcomes AbilityStore::outcomes(int64_t member, const Config& config) const {
    return outcomes(std::vector<int64_t>{member}, config)[member];
}

std::map<int64_t, MemberOutcomes> AbilityStore::outcomes(const std::vector<int64_t>& members,
                                                         const Config& config) const {
    std::map<int64_t, MemberOutcomes> out;
    if (members.empty())
        return out;
    for (auto id : members)
        out[id];
    std::string ids = arrayLiteral(members);
    for (const auto& row : rows(
             call_, std::string(kCounterSelect) + "WHERE member_id = ANY($1::bigint[])", args(ids)))
        fillCounters(out[row["member_id"].get<int64_t>()], row);
    if (config.scoring.mode == ScoringRule::Mode::Recent) {
        for (const auto& row : rows(call_, kRecentSelect, args(ids, config.scoring.window))) {
            auto c = criterionFromName(row["criterion"]);
            if (c)
                out[row["member_id"].get<int64_t>()].get(*c).recent.push_back(row["good"]);
        }
    }
    return out;
}

std::map<std::string, HeldGrant> AbilityStore::grants(int64_t member) const {
    std::map<std::string, HeldGrant> out;
    for (const auto& row :
         rows(call_,
              "SELECT ability, source, " + iso("granted_at") +
                  " AS granted_at, granted_by FROM ability_grants WHERE member_id = $1",
              args(member))) {
        HeldGrant g;
        g.source = row["source"] == "manual" ? GrantSource::Manual : GrantSource::Auto;
        g.granted_at = row["granted_at"];
        if (!row["granted_by"].is_null())
            g.granted_by = row["granted_by"].get<int64_t>();
        out[row["ability"]] = g;
    }
    return out;
}

std::vector<Suspension> AbilityStore::suspensions(int64_t member) const {
    std::vector<Suspension> out;
    for (const auto& row :
         rows(call_,
              "SELECT id, ability, " + iso("starts_at") + " AS since, " + iso("ends_at") +
                  " AS until, message, created_by FROM ability_suspensions WHERE member_id = "
                  "$1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > now())",
              args(member))) {
        Suspension s;
        s.id = row["id"];
        s.ability = row["ability"];
        s.since = row["since"];
        if (!row["until"].is_null())
            s.until = row["until"].get<std::string>();
        s.message = row["message"];
        s.by = row["created_by"];
        out.push_back(std::move(s));
    }
    return out;
}

void AbilityStore::postClassChanged(int64_t author, int64_t post, int before, int after) {
    if (before == after)
        return;
    int good = (after == 1) - (before == 1);
    int bad = (after == -1) - (before == -1);
    call_.query(counterUpsert(Criterion::Post), args(author, good, bad));
    if (after == 0) {
        call_.query("DELETE FROM ability_outcomes WHERE criterion = 'post' AND post_id = $1",
                    args(post));
    } else {
        call_.query(
            "INSERT INTO ability_outcomes (member_id, criterion, good, post_id) "
            "VALUES ($1, 'post', $2, $3) ON CONFLICT (post_id) WHERE criterion = 'post' "
            "DO UPDATE SET good = excluded.good",
            args(author, after == 1, post));
    }
}

void AbilityStore::outcome(int64_t member, Criterion criterion, bool good,
                           std::optional<int64_t> source) {
    call_.query(counterUpsert(criterion), args(member, good ? 1 : 0, good ? 0 : 1));
    call_.query(
        "INSERT INTO ability_outcomes (member_id, criterion, good, source_id) "
        "VALUES ($1, $2, $3, $4)",
        args(member, criterionName(criterion), good, source ? json(*source) : json(nullptr)));
}

void AbilityStore::bumpStamp(int64_t member) {
    call_.query(
        "INSERT INTO ability_stamps (member_id) VALUES ($1) "
        "ON CONFLICT (member_id) DO UPDATE SET stamp = gen_random_uuid()",
        args(member));
}

void AbilityStore::notify(int64_t member, const std::string& kind, const std::string& text) {
    call_.notify(member, kind, text, "/users/" + std::to_string(member) + "/abilities");
}

bool AbilityStore::grant(int64_t member, const AbilityInfo& ability, GrantSource source,
                         const Actor& actor) {
    std::string source_text = source == GrantSource::Manual ? "manual" : "auto";
    json old_value = nullptr;
    if (source == GrantSource::Manual) {
        // A moderator's grant makes an automatic one manual: it then survives auto_revoke.
        auto r = rows(call_,
                      "SELECT source FROM ability_grants WHERE member_id = $1 AND ability = $2 "
                      "FOR UPDATE",
                      args(member, ability.id));
        if (!r.empty() && r[0]["source"] == "manual")
            return false;
        if (!r.empty())
            old_value = {{"source", r[0]["source"]}};
        call_.query(
            "INSERT INTO ability_grants (member_id, ability, source, granted_by) VALUES ($1, "
            "$2, 'manual', $3) ON CONFLICT (member_id, ability) DO UPDATE SET source = "
            "'manual', granted_by = excluded.granted_by, granted_at = now()",
            args(member, ability.id, actor.member ? json(*actor.member) : json(nullptr)));
    } else {
        auto r = rows(call_,
                      "INSERT INTO ability_grants (member_id, ability, source) VALUES ($1, $2, "
                      "'auto') ON CONFLICT (member_id, ability) DO NOTHING RETURNING 1 AS added",
                      args(member, ability.id));
        if (r.empty())
            return false;  // someone else's transaction granted it first
    }
    bumpStamp(member);
    call_.audit("grant", target(member, ability.id), old_value.is_null() ? "" : old_value.dump(),
                json{{"source", source_text}}.dump());
    if (actor.notify && old_value.is_null())
        notify(member, "ability.granted",
               "You have earned the " + ability.name + " ability: " + ability.summary);
    return true;
}

bool AbilityStore::revoke(int64_t member, const AbilityInfo& ability, bool only_automatic,
                          const Actor& actor) {
    auto r = rows(call_,
                  std::string("DELETE FROM ability_grants WHERE member_id = $1 AND ability = $2") +
                      (only_automatic ? " AND source = 'auto'" : "") + " RETURNING source",
                  args(member, ability.id));
    if (r.empty())
        return false;
    bumpStamp(member);
    call_.audit("revoke", target(member, ability.id), json{{"source", r[0]["source"]}}.dump(), "");
    if (actor.notify)
        notify(member, "ability.revoked", "You no longer hold the " + ability.name + " ability.");
    return true;
}

namespace {

std::vector<int64_t> memberIds(const json& rows) {
    std::vector<int64_t> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back(r["member_id"].get<int64_t>());
    return out;
}

}  // namespace

std::vector<int64_t> AbilityStore::grantMany(const std::vector<int64_t>& members,
                                             const AbilityInfo& ability, const Actor& actor) {
    if (members.empty())
        return {};
    auto changed = memberIds(rows(call_,
                                  "INSERT INTO ability_grants (member_id, ability, source) "
                                  "SELECT m, $2, 'auto' FROM unnest($1::bigint[]) m "
                                  "ON CONFLICT (member_id, ability) DO NOTHING RETURNING member_id",
                                  args(arrayLiteral(members), ability.id)));
    recordMany(changed, ability, true, actor);
    return changed;
}

std::vector<int64_t> AbilityStore::revokeMany(const std::vector<int64_t>& members,
                                              const AbilityInfo& ability, const Actor& actor) {
    if (members.empty())
        return {};
    auto changed = memberIds(rows(call_,
                                  "DELETE FROM ability_grants WHERE ability = $2 AND source = "
                                  "'auto' AND member_id = ANY($1::bigint[]) RETURNING member_id",
                                  args(arrayLiteral(members), ability.id)));
    recordMany(changed, ability, false, actor);
    return changed;
}

// What grant()/revoke() do after the row changed, for a batch: stamps, audit rows and
// notifications, one statement each.
void AbilityStore::recordMany(const std::vector<int64_t>& changed, const AbilityInfo& ability,
                              bool granted, const Actor& actor) {
    if (changed.empty())
        return;
    call_.query(
        "INSERT INTO ability_stamps (member_id) SELECT unnest($1::bigint[]) "
        "ON CONFLICT (member_id) DO UPDATE SET stamp = gen_random_uuid()",
        args(arrayLiteral(changed)));
    const json source = {{"source", "auto"}};
    const std::string text =
        granted ? "You have earned the " + ability.name + " ability: " + ability.summary
                : "You no longer hold the " + ability.name + " ability.";
    json audit = json::array(), notes = json::array();
    for (int64_t m : changed) {
        audit.push_back({{"action", granted ? "grant" : "revoke"},
                         {"target", target(m, ability.id)},
                         {granted ? "new" : "old", source}});
        if (actor.notify)
            notes.push_back({{"member_id", m},
                             {"kind", granted ? "ability.granted" : "ability.revoked"},
                             {"text", text},
                             {"link", "/users/" + std::to_string(m) + "/abilities"}});
    }
    call_.auditMany(audit.dump());
    if (!notes.empty())
        call_.notifyMany(notes.dump());
}

std::vector<std::pair<std::string, GrantChange>> AbilityStore::evaluate(int64_t member,
                                                                        const Config& config,
                                                                        const Actor& actor) {
    std::vector<std::pair<std::string, GrantChange>> changes;
    auto o = outcomes(member, config);
    auto held = grants(member);
    for (const auto& a : catalog()) {
        std::optional<GrantSource> source;
        if (auto it = held.find(a.id); it != held.end())
            source = it->second.source;
        auto change = decide(config, a, o, source);
        if (change == GrantChange::Grant && grant(member, a, GrantSource::Auto, actor))
            changes.emplace_back(a.id, change);
        if (change == GrantChange::Revoke && revoke(member, a, true, actor))
            changes.emplace_back(a.id, change);
    }
    return changes;
}

Suspension AbilityStore::suspend(int64_t member, const AbilityInfo& ability, int days,
                                 const std::string& message, int64_t by) {
    // History is kept: an expired suspension is closed at its end, one still in force is
    // closed now by whoever replaces it.
    call_.query(
        "UPDATE ability_suspensions SET lifted_at = CASE WHEN ends_at IS NOT NULL AND ends_at <= "
        "now() THEN ends_at ELSE now() END, lifted_by = CASE WHEN ends_at IS NOT NULL AND "
        "ends_at <= now() THEN NULL ELSE $3::bigint END "
        "WHERE member_id = $1 AND ability = $2 AND lifted_at IS NULL",
        args(member, ability.id, by));
    auto r = rows(call_,
                  "INSERT INTO ability_suspensions (member_id, ability, ends_at, message, "
                  "created_by) VALUES ($1, $2, CASE WHEN $3::int > 0 THEN now() + make_interval("
                  "days => $3::int) END, $4, $5) RETURNING id, " +
                      iso("starts_at") + " AS since, " + iso("ends_at") + " AS until",
                  args(member, ability.id, days, message, by));
    bumpStamp(member);
    Suspension s;
    s.id = r[0]["id"];
    s.ability = ability.id;
    s.since = r[0]["since"];
    if (!r[0]["until"].is_null())
        s.until = r[0]["until"].get<std::string>();
    s.message = message;
    s.by = by;
    call_.audit("suspend", target(member, ability.id), "",
                json{{"days", days},
                     {"until", s.until ? json(*s.until) : json(nullptr)},
                     {"message", message}}
                    .dump());
    notify(member, "ability.suspended",
           "Your " + ability.name + " ability is suspended " +
               (s.until ? "until " + *s.until : std::string("permanently")) + ": " + message);
    return s;
}

bool AbilityStore::restore(int64_t member, const AbilityInfo& ability, int64_t by) {
    auto r = rows(call_,
                  "UPDATE ability_suspensions SET lifted_at = now(), lifted_by = $3 WHERE "
                  "member_id = $1 AND ability = $2 AND lifted_at IS NULL AND (ends_at IS NULL "
                  "OR ends_at > now()) RETURNING id, message",
                  args(member, ability.id, by));
    if (r.empty())
        return false;
    bumpStamp(member);
    call_.audit("restore", target(member, ability.id),
                json{{"suspension", r[0]["id"]}, {"message", r[0]["message"]}}.dump(), "");
    notify(member, "ability.restored", "Your " + ability.name + " ability is restored.");
    return true;
}

}  // namespace agora::abilities
