// Abilities earned, used and taken away through the real server: votes and review events feed
// the counters in the activity's own transaction, the very next request is judged by the new
// grant, suspensions bite at once, and each tenant's thresholds are its own.
#include <gmock/gmock.h>

#include "plugins/AbilitiesTestSupport.h"

namespace agora::test {

namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class AbilitiesGrantTest : public AbilitiesTest {};

TEST_F(AbilitiesGrantTest, FourUpvotedPostsLiftTheNewMemberRateLimitOnTheNextRequest) {
    auto& s = server();
    auto t = abilitiesTenant("abrate");  // new members: 3 questions a day
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto voter = s.apiClient(t, s.createUser(t, "moderator"));

    std::vector<int64_t> posts;
    for (int i = 0; i < 3; ++i)
        posts.push_back(ask(author));
    auto limited = author.post("/api/v1/questions", {{"title", unique("One question too many")},
                                                     {"body", unique("The new-member limit is "
                                                                     "three questions a day.")},
                                                     {"tags", {"limits"}}});
    ASSERT_EQ(limited.status, 429) << limited;
    posts.push_back(answer(author, posts[0]));

    for (int i = 0; i < 3; ++i)
        upvote(voter, posts[i]);
    EXPECT_FALSE(holds(author, "unrestricted")) << "three good posts: (3+2)/(3+4) < 0.75";
    EXPECT_EQ(author
                  .post("/api/v1/questions", {{"title", unique("Still limited after three")},
                                              {"body", unique("Three upvoted posts are not "
                                                              "enough yet.")},
                                              {"tags", {"limits"}}})
                  .status,
              429);

    upvote(voter, posts[3]);  // (4+2)/(4+4) = 0.75
    // The very next request: no wait, no cron.
    auto after = author.post("/api/v1/questions", {{"title", unique("Unrestricted right away")},
                                                   {"body", unique("The fourth upvote lifted "
                                                                   "the new-member limit.")},
                                                   {"tags", {"limits"}}});
    EXPECT_EQ(after.status, 201) << after;
    EXPECT_TRUE(holds(author, "unrestricted"));

    auto item = abilityOf(author, author_user.id, "unrestricted");
    ASSERT_TRUE(item.is_object());
    EXPECT_EQ(item["granted"], true);
    EXPECT_EQ(item["source"], "auto");
    ASSERT_EQ(item["criteria"].size(), 1u) << item;
    EXPECT_EQ(item["criteria"][0]["criterion"], "post");
    EXPECT_EQ(item["criteria"][0]["good"], 4);
    EXPECT_EQ(item["criteria"][0]["needed"], 0);
    EXPECT_EQ(item["criteria"][0]["score"], 0.75);

    // Told once, and the change is in the audit log.
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                           ".notifications WHERE member_id = $1 AND kind = 'ability.granted'",
                       author_user.id),
              1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'abilities.grant' AND target = $2",
                       t.id, "member:" + std::to_string(author_user.id) + "/unrestricted"),
              1);
}

TEST_F(AbilitiesGrantTest, NewSiteModeTreatsEveryMemberAsUnrestricted) {
    auto& s = server();
    auto young = abilitiesTenant("abnew", {{"abilities.new_site_mode", true}});
    auto api = s.apiClient(young, s.createUser(young));
    EXPECT_TRUE(holds(api, "unrestricted"));
    EXPECT_FALSE(holds(api, "edit_posts")) << "only the new-member limits are lifted";
    for (int i = 0; i < 4; ++i)
        ask(api);  // beyond the new-member limit of 3
}

TEST_F(AbilitiesGrantTest, EarningEditPostsByPostScoreTurns403Into200AndSuspensionBack) {
    auto& s = server();
    // This tenant lets well-received posts (not approved edits) earn edit_posts.
    auto t = abilitiesTenant("abedit", {{"abilities.edit_posts.edit_score", nullptr},
                                        {"abilities.edit_posts.post_score", 0.75},
                                        {"rate_limit.new_user.questions_per_day", 20}});
    auto owner = s.apiClient(t, s.createUser(t));
    auto editor_user = s.createUser(t);
    auto editor = s.apiClient(t, editor_user);
    auto mod = s.apiClient(t, s.createUser(t, "moderator"));
    int64_t target = ask(owner);
    auto edit = [&](const std::string& text) {
        return editor.patch("/api/v1/posts/" + std::to_string(target),
                            {{"body", unique(text + " — an edit by someone else, long enough.")}});
    };

    auto posts = upvotedPosts(editor, mod, 3);
    auto denied = edit("too early");
    ASSERT_EQ(denied.status, 403) << denied;
    EXPECT_EQ(denied.errorCode(), "ability_required:edit_posts");
    EXPECT_THAT(denied.errorMessage(), HasSubstr("Edit Posts"));

    upvote(mod, ask(editor));  // the fourth good post
    auto allowed = edit("earned");
    EXPECT_EQ(allowed.status, 200) << allowed;

    auto suspend = mod.post(
        "/api/v1/users/" + std::to_string(editor_user.id) + "/abilities/edit_posts/suspend",
        {{"days", 7}, {"message", "Too many rollbacks this week"}});
    ASSERT_EQ(suspend.status, 200) << suspend;
    EXPECT_EQ(suspend.json()["granted"], false);
    EXPECT_EQ(suspend.json()["held"], true) << "suspended, not revoked";
    EXPECT_EQ(suspend.json()["suspended"]["message"], "Too many rollbacks this week");
    auto again = edit("while suspended");
    ASSERT_EQ(again.status, 403) << again;
    EXPECT_EQ(again.errorCode(), "ability_required:edit_posts");
    EXPECT_THAT(again.errorMessage(), HasSubstr("suspended until"));
    EXPECT_THAT(again.errorMessage(), HasSubstr("Too many rollbacks this week"));
    EXPECT_THAT(held(editor), Not(Contains("edit_posts")));

    // Others see that it is suspended, not why.
    auto seen_by_owner = abilityOf(owner, editor_user.id, "edit_posts");
    EXPECT_TRUE(seen_by_owner["suspended"].is_object()) << seen_by_owner;
    EXPECT_FALSE(seen_by_owner["suspended"].contains("message"));
    EXPECT_EQ(abilityOf(editor, editor_user.id, "edit_posts")["suspended"]["message"],
              "Too many rollbacks this week");

    auto restore = mod.post("/api/v1/users/" + std::to_string(editor_user.id) +
                            "/abilities/edit_posts/restore");
    ASSERT_EQ(restore.status, 200) << restore;
    EXPECT_EQ(edit("restored").status, 200);
    EXPECT_EQ(mod.post("/api/v1/users/" + std::to_string(editor_user.id) +
                       "/abilities/edit_posts/restore")
                  .status,
              409)
        << "nothing left to lift";

    // A permanent one, then the full history is there: both rows, the first one lifted.
    auto forever = mod.post(
        "/api/v1/users/" + std::to_string(editor_user.id) + "/abilities/edit_posts/suspend",
        {{"days", 0}, {"message", "Vandalism"}});
    ASSERT_EQ(forever.status, 200) << forever;
    EXPECT_EQ(forever.json()["suspended"]["permanent"], true);
    EXPECT_THAT(edit("never").errorMessage(), HasSubstr("suspended permanently: Vandalism"));
    EXPECT_EQ(
        s.scalar("SELECT count(*) FROM " + t.schema + ".ability_suspensions WHERE member_id = $1",
                 editor_user.id),
        2);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                           ".ability_suspensions WHERE member_id = $1 AND lifted_by IS NOT NULL",
                       editor_user.id),
              1);
    for (const char* action : {"abilities.suspend", "abilities.restore"})
        EXPECT_GE(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND "
                           "action = $2",
                           t.id, std::string(action)),
                  1)
            << action;
}

TEST_F(AbilitiesGrantTest, TwoTenantsWithDifferentThresholdsGrantDifferently) {
    auto& s = server();
    auto lenient = abilitiesTenant("ablen", {{"rate_limit.new_user.questions_per_day", 20}});
    auto strict = abilitiesTenant("abstr", {{"rate_limit.new_user.questions_per_day", 20},
                                            {"abilities.unrestricted.post_score", 0.9}});
    for (const auto& t : {lenient, strict}) {
        auto author = s.apiClient(t, s.createUser(t));
        auto mod = s.apiClient(t, s.createUser(t, "moderator"));
        upvotedPosts(author, mod, 4);
        bool earned = holds(author, "unrestricted");
        if (t.slug == lenient.slug)
            EXPECT_TRUE(earned) << "0.75: four good posts are enough";
        else
            EXPECT_FALSE(earned) << "0.9 needs sixteen";
    }
    auto listed = s.client(strict).get("/api/v1/abilities");
    ASSERT_EQ(listed.status, 200) << listed;
    auto abilities = listed.json();
    for (const auto& item : abilities["items"]) {
        if (item["id"] == "unrestricted") {
            EXPECT_EQ(item["thresholds"]["post_score"], 0.9);
        }
    }
}

TEST_F(AbilitiesGrantTest, ReviewAndFlagEventsCountToTheExactBoundary) {
    auto& s = server();
    auto t = abilitiesTenant("abevt");
    auto u = s.createUser(t);
    auto api = s.apiClient(t, u);
    publish(t, "edit.approved", {{"member_id", u.id}}, 35);
    EXPECT_FALSE(holds(api, "edit_posts")) << "35 approved edits: 37/39 < 0.95";
    auto item = abilityOf(api, u.id, "edit_posts");
    EXPECT_EQ(item["criteria"][0]["needed"], 1) << item;
    publish(t, "edit.approved", {{"member_id", u.id}, {"edit_id", 99}});
    EXPECT_TRUE(holds(api, "edit_posts")) << "36 approved edits: 38/40 = 0.95";
    EXPECT_FALSE(holds(api, "edit_tags")) << "edit_tags needs 76";

    // A rejected edit or a declined flag counts against: edit_tags is further away now.
    publish(t, "edit.rejected", {{"member_id", u.id}});
    EXPECT_EQ(abilityOf(api, u.id, "edit_tags")["criteria"][0]["bad"], 1);

    // Flags: flag_curate needs 16 good posts as well as 196 helpful flags.
    publish(t, "flag.helpful", {{"member_id", u.id}}, 196);
    EXPECT_FALSE(holds(api, "flag_curate"));
    auto curate = abilityOf(api, u.id, "flag_curate");
    for (const auto& c : curate["criteria"]) {
        if (c["criterion"] == "flag") {
            EXPECT_EQ(c["passes"], true) << c;
        }
        if (c["criterion"] == "post") {
            EXPECT_EQ(c["needed"], 16) << c;
        }
    }
    EXPECT_EQ(
        s.scalar("SELECT helpful_flags FROM " + t.schema + ".ability_counters WHERE member_id = $1",
                 u.id),
        196);
}

TEST_F(AbilitiesGrantTest, AStagingCopyGrantsButNeverNotifies) {
    auto& s = server();
    auto live = abilitiesTenant("ablive");
    auto staging = s.createTenant("abstage", [&](TenantFile& f) {
        f.staging_of = live.slug;
        f.plugins = {"abilities"};
    });
    auto u = s.createUser(staging);
    publish(staging, "edit.approved", {{"member_id", u.id}}, 36);
    EXPECT_EQ(grants(staging, "edit_posts"), 1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + staging.schema + ".notifications"), 0)
        << "a staging copy holds real members' data: it must not message them";
}

TEST_F(AbilitiesGrantTest, ModeratorsGrantAndOnlyModeratorsMayAct) {
    auto& s = server();
    auto t = abilitiesTenant("abmod");
    auto member_user = s.createUser(t);
    auto member = s.apiClient(t, member_user);
    auto other = s.apiClient(t, s.createUser(t));
    auto mod_user = s.createUser(t, "moderator");
    auto mod = s.apiClient(t, mod_user);
    std::string base = "/api/v1/users/" + std::to_string(member_user.id) + "/abilities/";

    EXPECT_EQ(other.post(base + "edit_posts/grant").status, 403);
    EXPECT_EQ(other.post(base + "edit_posts/suspend", {{"days", 1}, {"message", "x"}}).status, 403);
    EXPECT_EQ(other.get("/api/v1/abilities/edit_posts/holders").status, 403);
    EXPECT_EQ(mod.post(base + "no_such_ability/grant").status, 404);
    EXPECT_EQ(mod.post("/api/v1/users/999999999/abilities/edit_posts/grant").status, 404);
    auto bad_days = mod.post(base + "edit_posts/suspend", {{"days", -1}, {"message", "x"}});
    EXPECT_EQ(bad_days.status, 422) << bad_days;
    EXPECT_EQ(bad_days.errorField(), "days");
    auto no_message = mod.post(base + "edit_posts/suspend", {{"days", 3}});
    EXPECT_EQ(no_message.errorField(), "message") << no_message;
    auto on_mod =
        mod.post("/api/v1/users/" + std::to_string(mod_user.id) + "/abilities/edit_posts/suspend",
                 {{"days", 3}, {"message", "x"}});
    EXPECT_EQ(on_mod.status, 409) << on_mod;

    auto granted = mod.post(base + "mod/grant");
    ASSERT_EQ(granted.status, 200) << granted;
    EXPECT_EQ(granted.json()["source"], "manual");
    EXPECT_EQ(mod.post(base + "mod/grant").json()["changed"], false) << "idempotent";
    auto holders = mod.get("/api/v1/abilities/mod/holders");
    ASSERT_EQ(holders.status, 200) << holders;
    auto list = holders.json();
    bool listed = false, role_listed = false;
    for (const auto& h : list["items"]) {
        if (h["member"]["id"] == member_user.id && h["source"] == "manual")
            listed = true;
        if (h["member"]["id"] == mod_user.id && h["source"] == "role")
            role_listed = true;
    }
    EXPECT_TRUE(listed) << list;
    EXPECT_TRUE(role_listed) << "moderators hold it through their role" << list;

    auto revoked = mod.post(base + "mod/revoke");
    ASSERT_EQ(revoked.status, 200) << revoked;
    EXPECT_EQ(revoked.json()["held"], false);
    EXPECT_EQ(mod.post(base + "mod/revoke").status, 409);
}

TEST_F(AbilitiesGrantTest, EnablingOnATenantWithHistoryCountsWhatWasThere) {
    auto& s = server();
    auto t = s.createTenant(
        "abhist", [](TenantFile& f) { f.settings["rate_limit.new_user.questions_per_day"] = 20; });
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto admin = s.apiClient(t, s.createUser(t, "admin"));
    upvotedPosts(author, admin, 4);
    EXPECT_FALSE(holds(author, "unrestricted")) << "no abilities plugin: core's defaults";
    auto on = admin.put("/api/v1/admin/plugins/abilities", {{"enabled", true}});
    ASSERT_EQ(on.status, 200) << on;
    EXPECT_TRUE(holds(author, "unrestricted")) << "the four upvotes from before count";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema + ".notifications WHERE member_id = $1",
                       author_user.id),
              0)
        << "switching the plugin on tells nobody anything";
}

TEST_F(AbilitiesGrantTest, PagesShowProgressAndThresholds) {
    auto& s = server();
    auto t = abilitiesTenant("abpage");
    auto u = s.createUser(t);
    auto admin_user = s.createUser(t, "admin");
    auto browser = s.browserClient(t, admin_user);
    auto list = browser.get("/abilities");
    ASSERT_EQ(list.status, 200) << list;
    EXPECT_THAT(list.body, HasSubstr("Participate Everywhere"));
    EXPECT_THAT(list.body, HasSubstr("75%"));
    auto progress = browser.get("/users/" + std::to_string(u.id) + "/abilities");
    ASSERT_EQ(progress.status, 200) << progress;
    EXPECT_THAT(progress.body, HasSubstr("role=\"progressbar\""));
    EXPECT_THAT(progress.body, HasSubstr("4 more well-received posts needed"));
    EXPECT_THAT(progress.body, HasSubstr("action=\"/users/" + std::to_string(u.id) +
                                         "/abilities/edit_posts/suspend\""));
    auto admin_page = browser.get("/admin/abilities");
    ASSERT_EQ(admin_page.status, 200) << admin_page;
    EXPECT_THAT(admin_page.body, HasSubstr("name=\"edit_score\""));
    // The preview form answers with the same page and changes nothing; saving redirects.
    auto previewed =
        browser.postForm("/admin/abilities/unrestricted/preview", {{"_csrf", admin_page.csrfMeta()},
                                                                   {"post_score", "0.4"},
                                                                   {"edit_score", ""},
                                                                   {"flag_score", ""}});
    ASSERT_EQ(previewed.status, 200) << previewed;
    EXPECT_THAT(previewed.body, HasSubstr("would gain unrestricted"));
    EXPECT_EQ(grants(t, "unrestricted"), 0);
    auto saved =
        browser.postForm("/admin/abilities/unrestricted", {{"_csrf", admin_page.csrfMeta()},
                                                           {"post_score", "0.4"},
                                                           {"edit_score", ""},
                                                           {"flag_score", ""}});
    EXPECT_EQ(saved.status, 303) << saved;
    EXPECT_GE(grants(t, "unrestricted"), 1) << "0.4 is met by everyone's prior of 0.5";
    auto profile = browser.get("/users/" + std::to_string(u.id));
    EXPECT_THAT(profile.body, HasSubstr("/users/" + std::to_string(u.id) + "/abilities"));
    EXPECT_THAT(browser.get("/admin").body, HasSubstr("href=\"/admin/abilities\""));

    // A moderator's form suspends and comes back to the page.
    auto csrf = progress.csrfMeta();
    auto posted = browser.postForm("/users/" + std::to_string(u.id) + "/abilities/everyone/suspend",
                                   {{"_csrf", csrf}, {"days", "2"}, {"message", "Cool down"}});
    EXPECT_EQ(posted.status, 303) << posted;
    auto member_api = s.apiClient(t, u);
    auto ask_now =
        member_api.post("/api/v1/questions", {{"title", unique("Asked while suspended")},
                                              {"body", unique("Participation is "
                                                              "suspended for two days.")},
                                              {"tags", {"x"}}});
    EXPECT_EQ(ask_now.status, 403) << ask_now;
    EXPECT_EQ(ask_now.errorCode(), "ability_required:everyone");
    EXPECT_EQ(s.client(t).get("/admin/abilities").status, 401);
}

}  // namespace

}  // namespace agora::test
