// Shared by the reviews tests: tenants with the reviews and abilities plugins, members in the
// roles a review involves, suggestions made through the API, and reads of what a decision
// wrote (suggestion rows, revisions, notifications, the abilities plugin's edit counters).
#pragma once

#include <gmock/gmock.h>

#include <map>
#include <string>

#include "ContentTestSupport.h"

namespace agora::test {

class ReviewsTest : public ContentTest {
protected:
    // A tenant with reviews (and abilities, which counts approved edits), roomy content limits
    // and any `settings` on top.
    TestTenant reviewsTenant(const std::string& prefix,
                             const std::map<std::string, json>& settings = {}) {
        return server().createTenant(prefix, [&](TenantFile& f) {
            roomyLimits(f);
            f.plugins = {"abilities", "reviews"};
            f.settings["rate_limit.suggested_edits_per_day"] = 1000;
            f.settings["rate_limit.new_user.suggested_edits_per_day"] = 1000;
            for (const auto& [k, v] : settings)
                f.settings[k] = v;
        });
    }

    struct Member {
        TestUser user;
        HttpClient api;
        int64_t id() const { return user.id; }
    };
    Member member(const TestTenant& t, const std::string& role = "member") {
        auto u = server().createUser(t, role);
        return Member{u, server().apiClient(t, u)};
    }

    static std::string suggestPath(int64_t post) {
        return "/api/v1/posts/" + std::to_string(post) + "/suggested-edits";
    }
    static std::string editPath(int64_t id, const std::string& action = "") {
        return "/api/v1/suggested-edits/" + std::to_string(id) + (action.empty() ? "" : "/") +
               action;
    }
    static std::string pagePath(int64_t id, const std::string& action = "") {
        return "/review/suggested-edits/" + std::to_string(id) + (action.empty() ? "" : "/") +
               action;
    }

    // A valid suggestion body: a new body (unique each time) and a summary.
    static json bodyEdit(const std::string& what) {
        return {{"body", body(what) + " Edited " + TestServer::uniqueSuffix(6) + "."},
                {"comment", "Clarified the question"}};
    }
    static HttpResult suggest(HttpClient& api, int64_t post, const json& edit) {
        return api.post(suggestPath(post), edit);
    }
    // Suggests and returns the new suggestion (asserting 201).
    static json suggested(HttpClient& api, int64_t post, const json& edit) {
        return expect(suggest(api, post, edit), 201, "suggest");
    }
    static int64_t suggestedId(HttpClient& api, int64_t post, const std::string& what = "fix") {
        return suggested(api, post, bodyEdit(what))["id"].get<int64_t>();
    }
    static json decide(HttpClient& api, int64_t id, const std::string& action,
                       const json& body = json::object(), int status = 200) {
        return expect(api.post(editPath(id, action), body), status, action);
    }

    // The reviews plugin's rows plus everything core keeps about content, the notifications and
    // the abilities counters: one text to compare before and after a refused request.
    std::string reviewState(const TestTenant& t) {
        std::string out = contentState(t);
        out += "suggested_edits: " +
               textIn(t,
                      "SELECT string_agg(concat_ws(' ', id, post_id, suggester_id, state, "
                      "base_revision, reviewer_id, outdated, applied_revision, md5(coalesce(title, "
                      "'') || coalesce(body_md, '') || coalesce(tags::text, '') || comment)), ', ' "
                      "ORDER BY id) FROM {s}.suggested_edits") +
               "\n";
        out += "notifications: " +
               textIn(t,
                      "SELECT string_agg(member_id || ' ' || kind, ', ' ORDER BY id) FROM "
                      "{s}.notifications") +
               "\n";
        out += "ability_counters: " +
               textIn(t,
                      "SELECT string_agg(member_id || ' ' || approved_edits || '/' || "
                      "rejected_edits, ', ' ORDER BY member_id) FROM {s}.ability_counters") +
               "\n";
        return out;
    }

    int64_t suggestionCount(const TestTenant& t, const std::string& state = "") {
        if (state.empty())
            return scalarIn(t, "SELECT count(*) FROM {s}.suggested_edits");
        return scalarIn(t, "SELECT count(*) FROM {s}.suggested_edits WHERE state = $1", state);
    }
    int64_t notificationsOf(const TestTenant& t, int64_t member, const std::string& kind) {
        return scalarIn(t,
                        "SELECT count(*) FROM {s}.notifications WHERE member_id = $1 AND kind = $2",
                        member, kind);
    }
    std::string lastNotificationText(const TestTenant& t, int64_t member, const std::string& kind) {
        return textIn(t,
                      "SELECT text FROM {s}.notifications WHERE member_id = $1 AND kind = $2 "
                      "ORDER BY id DESC LIMIT 1",
                      member, kind);
    }

    // The edit criterion of edit_posts as the abilities API shows it: {good, bad, …}.
    static json editCriterion(HttpClient& api, int64_t member) {
        auto r = api.get("/api/v1/users/" + std::to_string(member) + "/abilities");
        EXPECT_EQ(r.status, 200) << r;
        if (r.status != 200)
            return nullptr;
        auto all = r.json();  // kept: the loop below returns parts of it
        for (const auto& item : all["items"])
            if (item["id"] == "edit_posts")
                for (const auto& c : item["criteria"])
                    if (c["criterion"] == "edit")
                        return c;
        return nullptr;
    }
    static bool holds(HttpClient& api, const std::string& ability) {
        auto r = api.get("/api/v1/me");
        EXPECT_EQ(r.status, 200) << r;
        if (r.status != 200)
            return false;
        auto held = r.json()["abilities"];
        return std::find(held.begin(), held.end(), ability) != held.end();
    }
};

}  // namespace agora::test
