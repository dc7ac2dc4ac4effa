// The settings page's forms do what the API does: sign out another session, change the
// password, change the address, and delete the account (password and confirmation required).
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SettingsFormsTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("setf");
    }
    TestTenant tenant_;
};

TEST_F(SettingsFormsTest, SessionsPasswordAndAddressFromTheForms) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto browser = s.browserClient(tenant_, u);
    auto other = s.apiClient(tenant_, u);
    auto page = browser.get("/settings");
    ASSERT_EQ(page.status, 200);
    std::string csrf = page.csrfMeta();

    // The other login's bearer token is listed with a sign-out form; the current one is not.
    auto list = other.get("/api/v1/me/sessions").json()["items"];
    std::string bearer;
    for (const auto& it : list)
        if (it["current"].get<bool>())
            bearer = it["id"].get<std::string>();
    ASSERT_FALSE(bearer.empty());
    EXPECT_THAT(page.body, HasSubstr("/settings/sessions/" + bearer + "/revoke"));
    auto revoked = browser.postForm("/settings/sessions/" + bearer + "/revoke", {{"_csrf", csrf}});
    EXPECT_EQ(revoked.status, 303) << revoked;
    EXPECT_EQ(other.get("/api/v1/me").status, 401);

    std::string fresh = "form-" + TestServer::uniqueSuffix() + "@example.org";
    auto wrong = browser.postForm("/settings/email",
                                  {{"_csrf", csrf}, {"email", fresh}, {"password", "wrong one"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_EQ(queued(fresh, "email_change"), 0);
    auto moved = browser.postForm("/settings/email",
                                  {{"_csrf", csrf}, {"email", fresh}, {"password", u.password}});
    EXPECT_EQ(moved.status, 303) << moved;
    EXPECT_EQ(queued(fresh, "email_change"), 1);
    EXPECT_THAT(browser.get("/settings").body, HasSubstr(fresh));

    auto changed = browser.postForm(
        "/settings/password",
        {{"_csrf", csrf}, {"current_password", u.password}, {"new_password", "changed by form"}});
    EXPECT_EQ(changed.status, 303) << changed;
    EXPECT_EQ(browser.get("/api/v1/me").status, 200) << "this session stays signed in";
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", u.username}, {"password", "changed by form"}})
                  .status,
              200);
}

TEST_F(SettingsFormsTest, DeleteNeedsPasswordAndConfirmation) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto browser = s.browserClient(tenant_, u);
    std::string csrf = browser.get("/settings").csrfMeta();

    auto unconfirmed =
        browser.postForm("/settings/delete", {{"_csrf", csrf}, {"password", u.password}});
    EXPECT_EQ(unconfirmed.status, 422);
    auto wrong = browser.postForm("/settings/delete",
                                  {{"_csrf", csrf}, {"password", "nope nope"}, {"confirm", "yes"}});
    EXPECT_EQ(wrong.status, 422);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE id = $1", u.id), 1);

    auto gone = browser.postForm("/settings/delete",
                                 {{"_csrf", csrf}, {"password", u.password}, {"confirm", "yes"}});
    EXPECT_EQ(gone.status, 303) << gone;
    EXPECT_EQ(gone.header("Location"), "/");
    EXPECT_FALSE(browser.hasCookie("agora_session"));
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE id = $1", u.id), 0);
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", u.username}, {"password", u.password}})
                  .status,
              401);
}

}  // namespace

}  // namespace agora::test
