// HTML pages: /abilities, /users/ID/abilities (progress, and moderators' actions) and
// /admin/abilities (thresholds with a preview). Every page works without JavaScript.
#include <cmath>
#include <sstream>

#include "AbilityActions.h"
#include "Registration.h"

namespace agora::abilities {

namespace {

const char* goodLabel(const std::string& criterion) {
    if (criterion == "post")
        return "well-received posts";
    if (criterion == "edit")
        return "approved edits";
    return "helpful flags";
}

const char* badLabel(const std::string& criterion) {
    if (criterion == "post")
        return "badly received posts";
    if (criterion == "edit")
        return "rejected edits";
    return "declined flags";
}

const char* criterionLabel(const std::string& criterion) {
    if (criterion == "post")
        return "Posts";
    if (criterion == "edit")
        return "Edits";
    return "Flags";
}

int64_t percent(double v) {
    return static_cast<int64_t>(std::floor(v * 100.0 + 1e-9));
}

// Thresholds keep their decimal: 0.975 is "97.5", not "97".
double thresholdPercent(double v) {
    return std::round(v * 1000.0) / 10.0;
}

std::string number(const json& v) {
    if (v.is_null())
        return "";
    std::ostringstream s;
    s << v.get<double>();
    return s.str();
}

// Adds what the templates can't compute themselves.
void decorateCriteria(json& criteria) {
    for (auto& c : criteria) {
        std::string name = c["criterion"];
        c["label"] = criterionLabel(name);
        c["good_label"] = goodLabel(name);
        c["bad_label"] = badLabel(name);
        c["score_pct"] = percent(c["score"].get<double>());
        c["threshold_pct"] = thresholdPercent(c["threshold"].get<double>());
        if (c["needed"].is_null())
            c["needed_text"] = "out of reach with the current settings";
        else if (c["needed"].get<int64_t>() > 0)
            c["needed_text"] =
                std::to_string(c["needed"].get<int64_t>()) + " more " + goodLabel(name) + " needed";
    }
}

void abilitiesPage(Call& call, const AgoraRequest& req) {
    auto data = abilitiesJson(AbilityStore(call).config());
    for (auto& item : data["items"]) {
        json criteria = json::array();
        if (item["thresholds"].is_object())
            for (auto& [key, value] : item["thresholds"].items())
                if (!value.is_null()) {
                    std::string name = key.substr(0, key.find('_'));
                    criteria.push_back({{"label", criterionLabel(name)},
                                        {"good_label", goodLabel(name)},
                                        {"threshold_pct", thresholdPercent(value.get<double>())}});
                }
        item["criteria"] = criteria;
    }
    call.respondPage(200, "abilities",
                     json{{"title", "Abilities"},
                          {"abilities", data["items"]},
                          {"scoring", data["scoring"]},
                          {"viewer_id", req.viewer_id},
                          {"signed_in", req.viewer_id != 0}}
                         .dump());
}

void memberPage(Call& call, const AgoraRequest& req) {
    auto p = Params::of(req);
    AbilityStore store(call);
    auto member = store.member(p.id("id"));
    if (!member)
        throw Fail(404, "not_found", "no member " + p.text("id"));
    auto data = memberAbilitiesJson(call, store.config(), *member, req);
    bool can_moderate = req.viewer_is_moderator && !member->isModerator();
    for (auto& item : data["items"]) {
        decorateCriteria(item["criteria"]);
        item["can_suspend"] = can_moderate && item["suspended"].is_null();
        item["can_restore"] = req.viewer_is_moderator && !item["suspended"].is_null();
        item["can_grant"] =
            can_moderate && !item["everyone"].get<bool>() && item["source"] != "manual";
        item["can_revoke"] = req.viewer_is_moderator && item["held"].get<bool>();
    }
    data["title"] = member->display_name + "'s abilities";
    data["is_self"] = req.viewer_id == member->id;
    data["can_moderate"] = req.viewer_is_moderator != 0;
    call.respondPage(200, "member_abilities", data.dump());
}

// Form posts from /users/ID/abilities: the same actions as the API, then back to the page.
void memberAction(Call& call, const AgoraRequest& req) {
    auto p = Params::of(req);
    std::string action = p.text("action");
    ModeratorAction kind;
    if (action == "suspend")
        kind = ModeratorAction::Suspend;
    else if (action == "restore")
        kind = ModeratorAction::Restore;
    else if (action == "grant")
        kind = ModeratorAction::Grant;
    else if (action == "revoke")
        kind = ModeratorAction::Revoke;
    else
        throw Fail(404, "not_found", "no action " + action);
    std::string back = "/users/" + std::to_string(p.id("id")) + "/abilities";
    try {
        moderate(call, req, kind);
        call.flash("Done: " + action + " " + p.text("ability") + ".");
    } catch (const Fail& f) {
        if (f.status() != 422 && f.status() != 409)
            throw;
        call.flash(f.what());
    }
    call.redirect(back + "#ability-" + p.text("ability"));
}

json adminData(const Call& call) {
    auto data = abilitiesJson(AbilityStore(call).config());
    json rows = json::array();
    for (auto& item : data["items"]) {
        if (item["everyone"].get<bool>())
            continue;
        const auto& t = item["thresholds"];
        const auto& d = item["defaults"];
        rows.push_back({{"id", item["id"]},
                        {"name", item["name"]},
                        {"manual_only", item["manual_only"]},
                        {"post", number(t["post_score"])},
                        {"edit", number(t["edit_score"])},
                        {"flag", number(t["flag_score"])},
                        {"default_post", number(d["post_score"])},
                        {"default_edit", number(d["edit_score"])},
                        {"default_flag", number(d["flag_score"])}});
    }
    return {{"title", "Ability thresholds"},
            {"incomplete", incompleteReevaluations(call)},
            {"abilities", rows},
            {"scoring", data["scoring"]},
            {"auto_revoke", data["auto_revoke"]}};
}

void adminPage(Call& call, const AgoraRequest& req) {
    requireAdmin(req);
    call.respondPage(200, "admin_abilities", adminData(call).dump());
}

void adminPreview(Call& call, const AgoraRequest& req) {
    auto change = thresholdsFromForm(call);
    auto result = previewThresholds(call, req, change);
    auto data = adminData(call);
    // Show the proposed values in the form, with the preview next to them.
    for (auto& row : data["abilities"]) {
        if (row["id"] != result["ability"])
            continue;
        row["post"] = number(result["thresholds"]["post_score"]);
        row["edit"] = number(result["thresholds"]["edit_score"]);
        row["flag"] = number(result["thresholds"]["flag_score"]);
        row["preview"] = result;
    }
    call.respondPage(200, "admin_abilities", data.dump());
}

void adminResume(Call& call, const AgoraRequest& req) {
    auto p = Params::of(req);
    try {
        auto result = resumeReevaluation(call, req);
        call.flash("Re-evaluation of " + p.text("ability") + " finished: " +
                   std::to_string(result["gained"].get<int64_t>()) + " more gained it, " +
                   std::to_string(result["lost"].get<int64_t>()) + " more lost it.");
    } catch (const Fail& f) {
        if (f.code() != "reevaluation_incomplete" && f.code() != "nothing_to_resume")
            throw;
        call.flash(f.what());
    }
    call.redirect("/admin/abilities");
}

void adminSave(Call& call, const AgoraRequest& req) {
    auto change = thresholdsFromForm(call);
    json result;
    try {
        result = changeThresholds(call, req, change);
    } catch (const Fail& f) {
        if (f.code() != "reevaluation_incomplete")
            throw;
        // The page shows the unfinished re-evaluation with its Resume button.
        call.flash(f.what());
        call.redirect("/admin/abilities");
        return;
    }
    call.flash("Thresholds for " + result["ability"].get<std::string>() +
               " saved: " + std::to_string(result["gained"].get<int64_t>()) + " gained it, " +
               std::to_string(result["lost"].get<int64_t>()) + " lost it.");
    call.redirect("/admin/abilities#ability-" + result["ability"].get<std::string>());
}

}  // namespace

void registerPages(plugin::Registrar& r) {
    r.route("GET", "/abilities", abilitiesPage);
    r.route("GET", "/users/{id}/abilities", memberPage);
    r.route("POST", "/users/{id}/abilities/{ability}/{action}", memberAction);
    r.route("GET", "/admin/abilities", adminPage);
    r.route("POST", "/admin/abilities/{ability}", adminSave);
    r.route("POST", "/admin/abilities/{ability}/preview", adminPreview);
    r.route("POST", "/admin/abilities/{ability}/resume", adminResume);
    // Links from core pages to these.
    r.slot("nav", "<a href=\"/abilities\">Abilities</a>");
    r.slot("profile_sections",
           "<p class=\"abilities-link\"><a href=\"/users/{{member.id}}/abilities\">"
           "Abilities and progress →</a></p>");
    r.slot("admin_sections",
           "<section class=\"admin-abilities-link\"><h2>Abilities</h2><p><a "
           "href=\"/admin/abilities\">Ability thresholds</a>, with a preview of who would gain "
           "or lose each one.</p></section>");
}

}  // namespace agora::abilities
