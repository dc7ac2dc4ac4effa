// GET/PUT /api/v1/me/notification-settings and the /settings/notifications page: every type
// with its default, changes that stick, and refused input that writes nothing.
#include "NotificationMailSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class NotificationSettingsTest : public NotificationMailTest {};

TEST_F(NotificationSettingsTest, EveryTypeHasADefaultAndChangesStick) {
    auto& s = server();
    auto t = s.createTenant("nset");
    auto alice = s.createUser(t);
    auto api = s.apiClient(t, alice);

    auto r = api.get("/api/v1/me/notification-settings");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json(), json({{"answer", "immediate"},
                              {"comment", "immediate"},
                              {"edit", "digest"},
                              {"flag", "digest"},
                              {"ability", "digest"},
                              {"mod_message", "immediate"},
                              {"other", "digest"},
                              {"all", "on"}}));

    auto put = api.put("/api/v1/me/notification-settings",
                       {{"answer", "digest"}, {"flag", "off"}, {"all", "off"}});
    ASSERT_EQ(put.status, 200) << put;
    EXPECT_EQ(put.json()["answer"], "digest");
    auto again = api.get("/api/v1/me/notification-settings").json();
    EXPECT_EQ(again["answer"], "digest");
    EXPECT_EQ(again["flag"], "off");
    EXPECT_EQ(again["comment"], "immediate") << "types left out keep their value";
    EXPECT_EQ(again["all"], "off");

    // Choices are the account's, network-wide: another community shows the same.
    auto other = s.createTenant("nset2");
    s.login(other, alice);
    auto there = s.apiClient(other, alice).get("/api/v1/me/notification-settings");
    ASSERT_EQ(there.status, 200) << there;
    EXPECT_EQ(there.json()["answer"], "digest");
}

TEST_F(NotificationSettingsTest, UnknownTypesAndModesAreRefusedAndWriteNothing) {
    auto& s = server();
    auto t = s.createTenant("nbad");
    auto alice = s.createUser(t);
    auto api = s.apiClient(t, alice);
    choose(t, alice, {{"answer", "digest"}});
    std::string before = choices(alice);

    auto unknown = api.put("/api/v1/me/notification-settings",
                           {{"answer", "off"}, {"birthdays", "immediate"}});
    EXPECT_TRUE(refused(unknown, 422, "invalid", "birthdays"));
    auto mode = api.put("/api/v1/me/notification-settings", {{"comment", "sometimes"}});
    EXPECT_TRUE(refused(mode, 422, "invalid", "comment"));
    auto not_text = api.put("/api/v1/me/notification-settings", {{"comment", 1}});
    EXPECT_TRUE(refused(not_text, 422, "invalid", "comment"));
    auto all = api.put("/api/v1/me/notification-settings", {{"all", "immediate"}});
    EXPECT_TRUE(refused(all, 422, "invalid", "all"));
    auto array = api.put("/api/v1/me/notification-settings", json::array({"answer"}));
    EXPECT_EQ(array.status, 400) << array;

    EXPECT_EQ(choices(alice), before);
    EXPECT_EQ(api.get("/api/v1/me/notification-settings").json()["answer"], "digest");

    auto anon = s.client(t).get("/api/v1/me/notification-settings");
    EXPECT_EQ(anon.status, 401) << anon;
    auto anon_put = s.client(t).put("/api/v1/me/notification-settings", {{"answer", "off"}});
    EXPECT_EQ(anon_put.status, 401) << anon_put;
}

TEST_F(NotificationSettingsTest, ThePageShowsOneChoicePerTypeAndSavesWithItsToken) {
    auto& s = server();
    auto t = s.createTenant("npage");
    auto alice = s.createUser(t);
    auto web = s.browserClient(t, alice);

    auto page = web.get("/settings/notifications");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("name=\"mode:answer\""));
    EXPECT_THAT(page.body, HasSubstr("name=\"mode:mod_message\""));
    EXPECT_THAT(page.body, HasSubstr("Answers to your questions"));
    EXPECT_THAT(page.body, HasSubstr("name=\"all_off\""));

    std::string before = choices(alice);
    auto forged = web.postForm("/settings/notifications", {{"mode:answer", "off"}});
    EXPECT_EQ(forged.status, 403) << "no CSRF token: " << forged;
    auto bad = web.postForm("/settings/notifications",
                            {{"_csrf", web.fetchCsrf("/settings/notifications")},
                             {"mode:answer", "off"},
                             {"mode:comment", "loud"}});
    EXPECT_EQ(bad.status, 422) << bad;
    EXPECT_EQ(choices(alice), before);

    auto saved = web.postForm("/settings/notifications",
                              {{"_csrf", web.fetchCsrf("/settings/notifications")},
                               {"mode:answer", "off"},
                               {"mode:ability", "immediate"},
                               {"seen:all", "1"}});
    ASSERT_EQ(saved.status, 303) << saved;
    auto now = s.apiClient(t, alice).get("/api/v1/me/notification-settings").json();
    EXPECT_EQ(now["answer"], "off");
    EXPECT_EQ(now["ability"], "immediate");
    EXPECT_EQ(now["all"], "on");
    auto reloaded = web.get("/settings/notifications");
    EXPECT_THAT(reloaded.body, HasSubstr("<option value=\"off\" selected>"));

    auto anon = s.client(t).get("/settings/notifications");
    EXPECT_EQ(anon.status, 303) << anon;
}

}  // namespace

}  // namespace agora::test
