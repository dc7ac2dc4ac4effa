// The abilities plugin's entry point and registrations: settings, migrations, templates, the
// event handlers that keep counters and grants in the activity's own transaction, the
// permission resolver, the enable hook, and the routes.
#include <ctime>

#include <agora/plugin_embed.hpp>

#include "AbilityStore.h"
#include "GrantCache.h"
#include "Reevaluation.h"
#include "Registration.h"

namespace agora::abilities {

namespace {

// The strings are only pointed to: they must outlive the registration call.
AgoraSettingDef baseSetting(const char* key, int32_t type, const char* default_json,
                            const char* description) {
    AgoraSettingDef d{};
    d.struct_size = sizeof d;
    d.key = key;
    d.type = type;
    d.default_json = default_json;
    d.category = "abilities";
    d.description = description;
    return d;
}

std::string jsonNumber(const std::optional<double>& v) {
    return v ? json(*v).dump() : "null";
}

int64_t memberField(const json& payload, const char* field, const std::string& event) {
    auto it = payload.find(field);
    if (it == payload.end() || !it->is_number_integer())
        throw std::runtime_error(event + " without a numeric " + field);
    return it->get<int64_t>();
}

std::optional<int64_t> optionalId(const json& payload, std::initializer_list<const char*> names) {
    for (const char* n : names) {
        auto it = payload.find(n);
        if (it != payload.end() && it->is_number_integer())
            return it->get<int64_t>();
    }
    return std::nullopt;
}

void onVote(Call& call, const AgoraEvent& e) {
    json p = json::parse(e.payload_json);
    int before = p.value("class_before", 0);
    int after = p.value("class_after", 0);
    if (before == after)
        return;  // the post's standing didn't change: nothing to count
    int64_t author = memberField(p, "author_id", e.name);
    AbilityStore store(call);
    store.postClassChanged(author, memberField(p, "post_id", e.name), before, after);
    store.evaluate(author, store.config(), Actor{std::nullopt, true});
}

plugin::EventHandler onOutcome(Criterion criterion, bool good) {
    return [criterion, good](Call& call, const AgoraEvent& e) {
        json p = json::parse(e.payload_json);
        int64_t member = memberField(p, "member_id", e.name);
        AbilityStore store(call);
        store.outcome(member, criterion, good,
                      optionalId(p, {"edit_id", "suggested_edit_id", "flag_id", "id"}));
        store.evaluate(member, store.config(), Actor{std::nullopt, true});
    };
}

// Enabling on a tenant that already has activity: post counters and outcomes are rebuilt
// from core's own (kept by PostService in the vote's transaction), then everyone is judged.
// Quietly — a member who qualified long ago needn't be told on the day a plugin is turned on.
void onEnable(Call& call, const AgoraTenant& tenant) {
    call.query(
        "INSERT INTO ability_counters (member_id, good_posts, bad_posts) SELECT id, good_posts, "
        "bad_posts FROM members ON CONFLICT (member_id) DO UPDATE SET good_posts = "
        "excluded.good_posts, bad_posts = excluded.bad_posts, updated_at = now()");
    call.query("DELETE FROM ability_outcomes WHERE criterion = 'post'");
    call.query(
        "INSERT INTO ability_outcomes (member_id, criterion, good, post_id, at) SELECT "
        "author_id, 'post', up_votes > down_votes, id, created_at FROM posts WHERE up_votes <> "
        "down_votes ORDER BY created_at, id");
    AbilityStore store(call);
    Reevaluation(call, store.config()).apply({}, false, Actor{std::nullopt, false});
    GrantCache(call, tenant.slug).flushTenant();
}

int resolve(Call& call, const AgoraAbilityQuery& q, std::string& reason) {
    const auto* ability = findAbility(q.ability);
    if (!ability)
        return AGORA_ABILITY_UNKNOWN;  // not one of ours: the host's default applies
    GrantState state = GrantCache(call, q.tenant_slug).load(q.member_id);
    if (const auto* s = state.suspension(ability->id, static_cast<int64_t>(std::time(nullptr)))) {
        reason = "your " + ability->id + " ability is suspended " +
                 (s->until ? "until " + s->until_text : std::string("permanently")) +
                 (s->message.empty() ? "" : ": " + s->message);
        return AGORA_ABILITY_DENIED;
    }
    if (ability->everyone || state.grants.count(ability->id))
        return AGORA_ABILITY_GRANTED;
    if (ability->id == "unrestricted" && json::parse(call.settings("abilities.new_site_mode"))
                                             .value("abilities.new_site_mode", false))
        return AGORA_ABILITY_GRANTED;
    reason = "you need the " + ability->name + " ability (" + ability->id + "); see /users/" +
             std::to_string(q.member_id) + "/abilities for your progress";
    return AGORA_ABILITY_DENIED;
}

}  // namespace

void registerSettings(plugin::Registrar& r) {
    for (const auto& a : catalog()) {
        if (a.everyone)
            continue;
        for (auto c : kCriteria) {
            std::string key = "abilities." + a.id + "." + criterionName(c) + "_score";
            std::string description = "Score of " + std::string(criterionName(c)) +
                                      " outcomes needed for " + a.name +
                                      " (0 to 1; empty = not a criterion)";
            std::string def = jsonNumber(a.defaults.get(c));
            auto d =
                baseSetting(key.c_str(), AGORA_SETTING_FLOAT, def.c_str(), description.c_str());
            d.has_min = 1;
            d.min = 0.0;
            d.has_max = 1;
            d.max = 1.0;
            d.nullable = 1;
            r.setting(d);
        }
    }
    auto scoring = baseSetting(
        "abilities.scoring", AGORA_SETTING_STRING, "\"laplace\"",
        "How outcomes become a score: laplace ((good+2)/(good+bad+4)), recent:N (the same "
        "over the last N outcomes) or wilson (95% lower bound)");
    scoring.pattern = "^(laplace|wilson|recent:[1-9][0-9]{0,4})$";
    r.setting(scoring);
    for (auto c : kCriteria) {
        std::string key = std::string("abilities.min_count.") + criterionName(c);
        std::string description =
            "Fewest " + std::string(criterionName(c)) + " outcomes before that criterion can pass";
        auto d = baseSetting(key.c_str(), AGORA_SETTING_INT, "0", description.c_str());
        d.has_min = 1;
        d.min = 0;
        d.has_max = 1;
        d.max = 100000;
        r.setting(d);
    }
    r.setting(baseSetting("abilities.auto_revoke", AGORA_SETTING_BOOL, "false",
                          "Take automatically earned abilities away when a member's scores "
                          "fall below the thresholds"));
    r.setting(baseSetting("abilities.new_site_mode", AGORA_SETTING_BOOL, "false",
                          "While a community is new, treat every member as holding "
                          "Participate Everywhere (no new-member rate limits)"));
}

void registerEvents(plugin::Registrar& r) {
    r.event("vote.cast", onVote);
    r.event("vote.changed", onVote);
    r.event("vote.removed", onVote);
    r.event("edit.approved", onOutcome(Criterion::Edit, true));
    r.event("edit.rejected", onOutcome(Criterion::Edit, false));
    r.event("flag.helpful", onOutcome(Criterion::Flag, true));
    r.event("flag.declined", onOutcome(Criterion::Flag, false));
}

void registerResolver(plugin::Registrar& r) {
    r.resolver(resolve);
}

void registerAll(plugin::Registrar& r) {
    registerSettings(r);
    plugin::registerEmbeddedFiles(r);
    registerEvents(r);
    registerResolver(r);
    r.enableHook(onEnable);
    registerApiRoutes(r);
    registerPages(r);
}

}  // namespace agora::abilities

AGORA_PLUGIN("abilities", "1.0.0",
             "Abilities earned from well-received posts, approved edits and helpful flags",
             agora::abilities::registerAll)
