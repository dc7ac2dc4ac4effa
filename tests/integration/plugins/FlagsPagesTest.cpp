// The flags plugin's pages through a browser's eyes (cookie sessions, forms, CSRF): the flag
// form, the moderators' dashboard with its resolve and escalate forms, a member's own flags,
// the admins' flag types, and the links core pages carry to them.
#include <gmock/gmock.h>

#include "plugins/FlagsTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FlagsPagesTest : public FlagsTest {
protected:
    // Follows one redirect (as a browser would) and returns the page it leads to.
    static HttpResult follow(HttpClient& c, const HttpResult& r) {
        EXPECT_EQ(r.status, 303) << r;
        auto location = r.header("Location");
        return c.get(location.substr(0, location.find('#')));  // fragments stay in the browser
    }
};

TEST_F(FlagsPagesTest, TheFlagFormFlagsWithCsrfAndShowsReasonsAsText) {
    auto& s = server();
    auto t = flagsTenant("flpform");
    auto author = s.apiClient(t, s.createUser(t));
    auto member_user = s.createUser(t);
    auto browser = s.browserClient(t, member_user);
    int64_t q = ask(author);
    int64_t c = comment(author, q);
    std::string form_path = "/posts/" + std::to_string(q) + "/flag";

    auto anonymous = browser.anonymous().get(form_path);
    EXPECT_EQ(anonymous.status, 303) << anonymous;
    EXPECT_THAT(anonymous.header("Location"), HasSubstr("/login"));

    auto form = browser.get(form_path);
    ASSERT_EQ(form.status, 200) << form;
    EXPECT_THAT(form.body, HasSubstr("name=\"_csrf\""));
    EXPECT_THAT(form.body, HasSubstr("value=\"" + std::to_string(typeId(t, "spam")) + "\""));
    EXPECT_THAT(form.body, HasSubstr("needs moderator attention"));
    auto comment_form = browser.get("/comments/" + std::to_string(c) + "/flag");
    ASSERT_EQ(comment_form.status, 200) << comment_form;
    EXPECT_THAT(comment_form.body, HasSubstr("needs moderator attention"));
    EXPECT_THAT(comment_form.body, Not(HasSubstr(">duplicate<"))) << "duplicate: posts only";

    const std::string evil = "<script>alert('flag')</script> spam ring";
    Form fields = {{"type", std::to_string(typeId(t, "something else"))}, {"reason", evil}};
    auto no_token = browser.postForm(form_path, fields);
    EXPECT_EQ(no_token.status, 403) << no_token;
    EXPECT_EQ(flags(t), 0) << "no CSRF token, no flag";

    // A reason is needed for "something else": the form comes back with the error.
    auto csrf = browser.fetchCsrf(form_path);
    auto missing = browser.postForm(
        form_path, {{"_csrf", csrf}, {"type", std::to_string(typeId(t, "something else"))}});
    EXPECT_EQ(missing.status, 422) << missing;
    EXPECT_THAT(missing.body, HasSubstr("needs a reason"));
    EXPECT_EQ(flags(t), 0);

    fields.emplace_back("_csrf", csrf);
    auto posted = browser.postForm(form_path, fields);
    ASSERT_EQ(posted.status, 303) << posted;
    EXPECT_EQ(posted.header("Location"),
              "/questions/" + std::to_string(q) + "#post-" + std::to_string(q));
    EXPECT_EQ(flags(t), 1);
    auto back = browser.get("/questions/" + std::to_string(q));
    EXPECT_THAT(back.body, HasSubstr("your &quot;something else&quot; flag was recorded"));

    // Twice: told so, nothing written.
    auto again = browser.postForm(form_path, fields);
    ASSERT_EQ(again.status, 303) << again;
    EXPECT_THAT(browser.get(again.header("Location")).body, HasSubstr("already have a pending"));
    EXPECT_EQ(flags(t), 1);

    // Whoever reads the reason reads text, not markup.
    auto mod = s.browserClient(t, s.createUser(t, "moderator"));
    auto dashboard = mod.get("/mod/flags");
    ASSERT_EQ(dashboard.status, 200) << dashboard;
    EXPECT_THAT(dashboard.body, HasSubstr("&lt;script&gt;alert("));
    EXPECT_THAT(dashboard.body, Not(HasSubstr("<script>alert('flag')")));
    auto mine = browser.get("/flags/mine");
    ASSERT_EQ(mine.status, 200) << mine;
    EXPECT_THAT(mine.body, HasSubstr("&lt;script&gt;alert("));
    EXPECT_THAT(mine.body, Not(HasSubstr("<script>alert('flag')")));

    // One's own post has no form.
    auto member_api = s.apiClient(t, member_user);
    int64_t own = ask(member_api);
    EXPECT_EQ(browser.get("/posts/" + std::to_string(own) + "/flag").status, 403);
    EXPECT_EQ(browser.get("/posts/99999999/flag").status, 404);
}

TEST_F(FlagsPagesTest, TheDashboardIsForModeratorsAndCuratorsAndResolvesByForm) {
    auto& s = server();
    auto t = flagsTenant("flpdash");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto flagger_user = s.createUser(t);
    auto flagger = s.apiClient(t, flagger_user);
    auto curator_user = s.createUser(t);
    auto mod_user = s.createUser(t, "moderator");
    auto mod_api = s.apiClient(t, mod_user);
    grantCurate(mod_api, curator_user.id);
    auto mod = s.browserClient(t, mod_user);
    auto curator = s.browserClient(t, curator_user);
    auto plain = s.browserClient(t, s.createUser(t));
    int64_t q = ask(author);
    int64_t open = flagId(flagger, q, "spam");
    int64_t secret = flagId(flagger, answer(author, q), "needs moderator attention", "Sockpuppets");

    auto anon = plain.anonymous().get("/mod/flags");
    EXPECT_EQ(anon.status, 303) << anon;
    EXPECT_EQ(plain.get("/mod/flags").status, 403);
    auto plain_mine = plain.get("/flags/mine");
    ASSERT_EQ(plain_mine.status, 200) << plain_mine;
    EXPECT_THAT(plain_mine.body, HasSubstr("Your flags"));
    EXPECT_THAT(plain_mine.body, Not(HasSubstr("<a href=\"/mod/flags\">")));
    EXPECT_EQ(mod.get("/mod/flags?status=bogus").status, 422);

    auto curated = curator.get("/mod/flags");
    ASSERT_EQ(curated.status, 200) << curated;
    EXPECT_THAT(curated.body, HasSubstr("id=\"flag-" + std::to_string(open) + "\""));
    EXPECT_THAT(curated.body, Not(HasSubstr("id=\"flag-" + std::to_string(secret) + "\"")));
    EXPECT_THAT(curated.body, Not(HasSubstr("id=\"members\""))) << "members table: moderators";

    auto page = mod.get("/mod/flags");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("id=\"flag-" + std::to_string(secret) + "\""));
    EXPECT_THAT(page.body, HasSubstr("action=\"/mod/flags/" + std::to_string(open) + "/resolve\""));
    EXPECT_THAT(page.body, HasSubstr("id=\"members\""));
    EXPECT_THAT(page.body, HasSubstr(author_user.username)) << "flags received";

    // Resolve by form: CSRF needed; then done, with a flash, and the flagger told.
    std::string resolve_path = "/mod/flags/" + std::to_string(open) + "/resolve";
    EXPECT_EQ(curator.postForm(resolve_path, {{"result", "helpful"}}).status, 403);
    EXPECT_EQ(flagStatus(t, open), "pending");
    auto csrf = curator.fetchCsrf("/mod/flags");
    auto maybe = curator.postForm(resolve_path, {{"_csrf", csrf}, {"result", "maybe"}});
    EXPECT_THAT(follow(curator, maybe).body, HasSubstr("result must be helpful or declined"));
    EXPECT_EQ(flagStatus(t, open), "pending");
    auto done = curator.postForm(resolve_path, {{"_csrf", csrf},
                                                {"result", "helpful"},
                                                {"message", "Gone, thank you."},
                                                {"tab", "pending"}});
    EXPECT_EQ(done.header("Location"), "/mod/flags?status=pending");
    EXPECT_THAT(follow(curator, done).body, HasSubstr("marked helpful"));
    EXPECT_EQ(flagStatus(t, open), "helpful");
    EXPECT_EQ(notifications(t, flagger_user.id, "flag.helpful"), 1);
    auto handled = mod.get("/mod/flags?status=handled");
    // Per member (QPixel #1455): linked from the profile for moderators only.
    std::string member_page = "/mod/flags/members/" + std::to_string(author_user.id);
    EXPECT_THAT(mod.get("/users/" + std::to_string(author_user.id)).body,
                HasSubstr("href=\"" + member_page + "\""));
    // Curators find their queue from their own flags page; members don't get the link.
    auto curator_mine = curator.get("/flags/mine");
    ASSERT_EQ(curator_mine.status, 200) << curator_mine;
    EXPECT_THAT(curator_mine.body, HasSubstr("<a href=\"/mod/flags\">"));
    auto curator_profile = curator.get("/users/" + std::to_string(author_user.id));
    ASSERT_EQ(curator_profile.status, 200) << curator_profile;
    EXPECT_THAT(curator_profile.body, Not(HasSubstr(member_page)));
    auto received = mod.get(member_page);
    ASSERT_EQ(received.status, 200) << received;
    EXPECT_THAT(received.body, HasSubstr("id=\"received-" + std::to_string(open) + "\""));
    EXPECT_THAT(received.body, HasSubstr("id=\"received-" + std::to_string(secret) + "\""));
    EXPECT_EQ(curator.get(member_page).status, 403);
    auto raised = mod.get("/mod/flags/members/" + std::to_string(flagger_user.id));
    EXPECT_THAT(raised.body, HasSubstr("id=\"raised-" + std::to_string(open) + "\""));
    EXPECT_THAT(handled.body, HasSubstr("Gone, thank you."));

    // Escalate by form, then the escalated tab shows it to moderators.
    int64_t later = flagId(flagger, q, "rude or abusive");
    auto esc = curator.postForm("/mod/flags/" + std::to_string(later) + "/escalate",
                                {{"_csrf", csrf}, {"comment", "Not sure about this one."}});
    EXPECT_THAT(follow(curator, esc).body, HasSubstr("escalated to the moderators"));
    auto escalated = mod.get("/mod/flags?status=escalated");
    EXPECT_THAT(escalated.body, HasSubstr("id=\"flag-" + std::to_string(later) + "\""));
    EXPECT_THAT(escalated.body, HasSubstr("Not sure about this one."));
}

TEST_F(FlagsPagesTest, AdminsEditFlagTypesOnTheirPage) {
    auto& s = server();
    auto t = flagsTenant("flpadm");
    auto admin = s.browserClient(t, s.createUser(t, "admin"));
    auto member = s.browserClient(t, s.createUser(t));

    EXPECT_EQ(member.get("/admin/flag-types").status, 403);
    auto page = admin.get("/admin/flag-types");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("rude or abusive"));
    EXPECT_THAT(admin.get("/admin").body, HasSubstr("href=\"/admin/flag-types\""))
        << "linked from the admin page";

    auto csrf = admin.fetchCsrf("/admin/flag-types");
    auto added = admin.postForm("/admin/flag-types", {{"_csrf", csrf},
                                                      {"name", "<b>low quality</b>"},
                                                      {"description", "Needs work."},
                                                      {"applies_to_posts", "1"},
                                                      {"active", "1"}});
    auto after = follow(admin, added);
    ASSERT_EQ(after.status, 200) << after;
    EXPECT_THAT(after.body, HasSubstr("value=\"&lt;b&gt;low quality&lt;/b&gt;\""))
        << "listed with an edit form, as text";
    int64_t id = typeId(t, "<b>low quality</b>");
    ASSERT_GT(id, 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                           ".flag_types WHERE id = $1 AND NOT applies_to_comments",
                       id),
              1)
        << "an unticked box is false";

    // Saving the form without "active" ticked retires the type.
    auto saved =
        admin.postForm("/admin/flag-types/" + std::to_string(id), {{"_csrf", csrf},
                                                                   {"name", "low quality"},
                                                                   {"description", "Needs work."},
                                                                   {"applies_to_posts", "1"}});
    EXPECT_EQ(saved.status, 303) << saved;
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                           ".flag_types WHERE id = $1 AND NOT active AND name = 'low quality'",
                       id),
              1);
    auto dup = admin.postForm("/admin/flag-types",
                              {{"_csrf", csrf}, {"name", "Spam"}, {"applies_to_posts", "1"}});
    EXPECT_THAT(follow(admin, dup).body, HasSubstr("already a flag type named"));
    EXPECT_EQ(member
                  .postForm("/admin/flag-types",
                            {{"_csrf", member.fetchCsrf("/flags/mine")}, {"name", "mine"}})
                  .status,
              403);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema + ".flag_types"), 6);
}

TEST_F(FlagsPagesTest, QuestionPagesLinkToTheFormAndModeratorsSeeTheBadge) {
    auto& s = server();
    auto t = flagsTenant("flplink");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    int64_t q = ask(author);
    int64_t c = comment(author, q);
    auto reader = s.browserClient(t, s.createUser(t));
    auto page = reader.get("/questions/" + std::to_string(q));
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("href=\"/posts/" + std::to_string(q) + "/flag\""));
    EXPECT_THAT(page.body, HasSubstr("href=\"/comments/" + std::to_string(c) + "/flag\""));
    auto anonymous = reader.anonymous().get("/questions/" + std::to_string(q));
    ASSERT_EQ(anonymous.status, 200) << anonymous;
    EXPECT_THAT(anonymous.body, HasSubstr("id=\"post-" + std::to_string(q) + "\""));
    EXPECT_THAT(anonymous.body, Not(HasSubstr("/flag\"")));

    auto mod_user = s.createUser(t, "moderator");
    auto mod = s.browserClient(t, mod_user);
    auto mod_api = s.apiClient(t, mod_user);
    flagId(mod_api, q);
    auto home = mod.get("/");
    EXPECT_THAT(home.body, HasSubstr("href=\"/mod/flags\"")) << "the moderators' badge";
    auto reader_home = reader.get("/");
    ASSERT_EQ(reader_home.status, 200) << reader_home;
    EXPECT_THAT(reader_home.body, HasSubstr("class=\"inbox\"")) << "a signed-in header";
    EXPECT_THAT(reader_home.body, Not(HasSubstr("href=\"/mod/flags\"")));
}

}  // namespace

}  // namespace agora::test
