// Profiles (SPEC §5.1): display name, bio (safe Markdown), website, location; editable by the
// member and by moderators; shown on /users/ID and its API; the display name reaches every
// community's members row; an identicon avatar; a settings page whose forms carry CSRF.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ProfileTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("prof");
    }
    std::string accountRow(int64_t id) {
        return server().text(
            "SELECT concat_ws('|', display_name, bio_md, bio_html, website, location, "
            "updated_at) FROM network.accounts WHERE id = $1",
            id);
    }
    TestTenant tenant_;
};

TEST_F(ProfileTest, MemberEditsProfileShownEverywhere) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto second = s.createTenant("prof2");
    join(second, u);
    auto api = s.apiClient(tenant_, u);
    auto r = api.patch("/api/v1/me", {{"display_name", "  Ada Lovelace  "},
                                      {"bio", "I *love* engines. <script>alert(1)</script>"},
                                      {"website", "https://ada.example.org/notes"},
                                      {"location", "London"}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["display_name"], "Ada Lovelace");

    auto user = s.client(tenant_).get("/api/v1/users/" + std::to_string(u.id));
    ASSERT_EQ(user.status, 200) << user;
    auto p = user.json()["profile"];
    EXPECT_EQ(p["website"], "https://ada.example.org/notes");
    EXPECT_EQ(p["location"], "London");
    EXPECT_THAT(p["bio_html"].get<std::string>(), HasSubstr("<em>love</em>"));
    EXPECT_THAT(p["bio_html"].get<std::string>(), Not(HasSubstr("<script")));
    EXPECT_EQ(user.json()["display_name"], "Ada Lovelace");
    for (const auto& t : {tenant_, second})
        EXPECT_EQ(s.text("SELECT display_name FROM " + t.schema + ".members WHERE id = $1", u.id),
                  "Ada Lovelace");

    auto page = s.client(second).get("/users/" + std::to_string(u.id));
    ASSERT_EQ(page.status, 200);
    EXPECT_THAT(page.body, HasSubstr("Ada Lovelace"));
    EXPECT_THAT(page.body, HasSubstr("<em>love</em>"));
    EXPECT_THAT(page.body, Not(HasSubstr("<script>alert")));
    EXPECT_THAT(page.body, HasSubstr("href=\"https://ada.example.org/notes\""));
    EXPECT_THAT(page.body, HasSubstr("/users/" + std::to_string(u.id) + "/avatar.svg"));
}

TEST_F(ProfileTest, InvalidFieldsAreRefusedAndWriteNothing) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    auto before = accountRow(u.id);
    auto members_before =
        s.text("SELECT display_name FROM " + tenant_.schema + ".members WHERE id = $1", u.id);
    struct Case {
        json body;
        std::string field;
    };
    std::vector<Case> cases = {
        {{{"website", "javascript:alert(1)"}}, "website"},
        {{{"website", "ftp://files.example.org"}}, "website"},
        {{{"display_name", std::string(61, 'x')}, {"location", "fine"}}, "display_name"},
        {{{"display_name", "   "}}, "display_name"},
        {{{"bio", std::string(2001, 'b')}}, "bio"},
        {{{"location", std::string(101, 'l')}}, "location"},
        {{{"display_name", 42}}, "display_name"},
    };
    for (const auto& c : cases) {
        auto r = api.patch("/api/v1/me", c.body);
        EXPECT_EQ(r.status, 422) << c.body.dump() << " " << r;
        EXPECT_EQ(r.errorField(), c.field) << c.body.dump();
    }
    EXPECT_EQ(accountRow(u.id), before);
    EXPECT_EQ(s.text("SELECT display_name FROM " + tenant_.schema + ".members WHERE id = $1", u.id),
              members_before);
}

TEST_F(ProfileTest, ModeratorsEditMembersProfilesOthersMayNot) {
    auto& s = server();
    auto member = s.createUser(tenant_);
    auto peer = s.createUser(tenant_);
    auto mod = s.createUser(tenant_, "moderator");
    auto other_tenant = s.createTenant("prof3");
    auto outside_mod = s.createUser(other_tenant, "moderator");
    std::string path = "/api/v1/users/" + std::to_string(member.id);
    auto before = accountRow(member.id);

    auto by_peer = s.apiClient(tenant_, peer).patch(path, {{"website", ""}});
    EXPECT_EQ(by_peer.status, 403) << by_peer;
    auto by_outsider = s.apiClient(other_tenant, outside_mod).patch(path, {{"website", ""}});
    EXPECT_EQ(by_outsider.status, 404) << "not a member there";
    EXPECT_EQ(s.client(tenant_).patch(path, {{"website", ""}}).status, 401);
    EXPECT_EQ(accountRow(member.id), before);

    auto ok = s.apiClient(tenant_, mod)
                  .patch(path, {{"display_name", "Renamed by mod"}, {"bio", "spam removed"}});
    ASSERT_EQ(ok.status, 200) << ok;
    EXPECT_EQ(s.text("SELECT display_name FROM network.accounts WHERE id = $1", member.id),
              "Renamed by mod");
    auto audit = s.text(
        "SELECT concat_ws('|', account_id, action, target, new_value::text) FROM "
        "network.audit_log WHERE tenant_id = $1 AND action = 'profile.edited' ORDER BY id DESC "
        "LIMIT 1",
        tenant_.id);
    EXPECT_THAT(audit, HasSubstr(std::to_string(mod.id) +
                                 "|profile.edited|account:" + std::to_string(member.id)));
    EXPECT_THAT(audit, HasSubstr("display_name"));
    EXPECT_THAT(audit, Not(HasSubstr("Renamed by mod"))) << "field names, not values";
}

TEST_F(ProfileTest, AvatarIsADeterministicSvg) {
    auto& s = server();
    auto c = s.client(tenant_);
    auto a1 = c.get("/users/1234/avatar.svg");
    auto a2 = c.get("/users/1234/avatar.svg");
    auto b = c.get("/users/1235/avatar.svg");
    ASSERT_EQ(a1.status, 200);
    EXPECT_THAT(a1.header("Content-Type"), HasSubstr("image/svg+xml"));
    EXPECT_THAT(a1.body, ::testing::StartsWith("<svg"));
    EXPECT_EQ(a1.body, a2.body);
    EXPECT_NE(a1.body, b.body);
    EXPECT_EQ(c.get("/users/abc/avatar.svg").status, 404);
}

TEST_F(ProfileTest, SettingsPageFormsNeedTheirCsrfToken) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    EXPECT_EQ(s.client(tenant_).get("/settings").status, 303) << "anonymous: to the login page";
    auto browser = s.browserClient(tenant_, u);
    auto page = browser.get("/settings");
    ASSERT_EQ(page.status, 200) << page;
    for (const char* action : {"/settings/profile", "/settings/password", "/settings/email",
                               "/settings/delete", "/api/v1/me/export"})
        EXPECT_THAT(page.body, HasSubstr(action));
    auto before = accountRow(u.id);
    auto forged = browser.postForm("/settings/profile", {{"display_name", "Forged"}});
    EXPECT_EQ(forged.status, 403) << forged;
    EXPECT_EQ(accountRow(u.id), before);

    auto bad = browser.postForm("/settings/profile", {{"_csrf", page.csrfMeta()},
                                                      {"display_name", "Still me"},
                                                      {"website", "javascript:void(0)"}});
    EXPECT_EQ(bad.status, 422) << bad;
    EXPECT_THAT(bad.body, HasSubstr("website"));
    EXPECT_EQ(accountRow(u.id), before);

    auto saved = browser.postForm("/settings/profile", {{"_csrf", page.csrfMeta()},
                                                        {"display_name", "Form Name"},
                                                        {"bio", "hello"},
                                                        {"website", ""},
                                                        {"location", ""}});
    EXPECT_EQ(saved.status, 303) << saved;
    EXPECT_EQ(s.text("SELECT display_name FROM network.accounts WHERE id = $1", u.id), "Form Name");
}

}  // namespace

}  // namespace agora::test
