// Sign-up, login and logout through the HTML forms, as a browser without JavaScript does.
#include <gmock/gmock.h>

#include "accounts/AccountService.h"
#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuthFormsTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("form");
    }
    TestTenant tenant_;
};

TEST_F(AuthFormsTest, SignupFormCreatesAccountAndSignsIn) {
    auto& s = server();
    auto c = s.client(tenant_);
    auto csrf = c.fetchCsrf("/signup");
    EXPECT_TRUE(c.hasCookie("agora_csrf")) << "an anonymous form needs its CSRF seed cookie";
    auto u = TestServer::newUserDetails();
    auto r = c.postForm("/signup", {{"_csrf", csrf},
                                    {"username", u.username},
                                    {"display_name", "Form Person"},
                                    {"email", u.email},
                                    {"password", u.password}});
    ASSERT_EQ(r.status, 303) << r;
    EXPECT_EQ(r.header("Location"), "/");
    ASSERT_TRUE(c.hasCookie("agora_session"));
    int64_t id = s.scalar("SELECT id FROM network.accounts WHERE username = $1", u.username);
    ASSERT_GT(id, 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.memberships WHERE account_id = $1 AND "
                       "tenant_id = $2",
                       id, tenant_.id),
              1);
    // The next page knows who this is.
    auto page = c.get("/login");
    EXPECT_THAT(page.body, HasSubstr("Form Person"));
    EXPECT_THAT(page.body, HasSubstr("action=\"/logout\""));
}

TEST_F(AuthFormsTest, SignupFormErrorShowsTheProblemAndWritesNothing) {
    auto& s = server();
    auto c = s.client(tenant_);
    auto csrf = c.fetchCsrf("/signup");
    auto u = TestServer::newUserDetails();
    auto before = s.networkState(tenant_.id);
    auto r = c.postForm("/signup", {{"_csrf", csrf},
                                    {"username", u.username},
                                    {"email", "no-at-sign"},
                                    {"password", u.password}});
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_THAT(r.body, HasSubstr("email address is not valid"));
    // What was typed comes back, so the form need not be filled in again.
    EXPECT_THAT(r.body, HasSubstr(u.username));
    EXPECT_FALSE(c.hasCookie("agora_session"));
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE username = $1", u.username), 0);
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

TEST_F(AuthFormsTest, LoginFormSignsInAndRedirectsOnlyWithinTheSite) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    struct Case {
        std::string next, location;
    };
    for (const auto& [next, location] :
         {Case{"/ask", "/ask"}, Case{"//evil.test/x", "/"}, Case{"https://evil.test/", "/"}}) {
        auto c = s.client(tenant_);
        auto csrf = c.fetchCsrf("/login");
        auto r = c.postForm(
            "/login",
            {{"_csrf", csrf}, {"login", u.username}, {"password", u.password}, {"next", next}});
        EXPECT_EQ(r.status, 303) << next << ": " << r;
        EXPECT_EQ(r.header("Location"), location) << next;
        EXPECT_TRUE(c.hasCookie("agora_session")) << next;
    }
}

TEST_F(AuthFormsTest, LoginFormWrongPasswordIs401WithoutSession) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto before = s.networkState(tenant_.id);
    auto c = s.client(tenant_);
    auto csrf = c.fetchCsrf("/login");
    auto r = c.postForm("/login",
                        {{"_csrf", csrf}, {"login", u.username}, {"password", "wrong-password"}});
    EXPECT_EQ(r.status, 401) << r;
    EXPECT_THAT(r.body, HasSubstr("match an account"));
    EXPECT_THAT(r.body, Not(HasSubstr("wrong-password")));
    EXPECT_FALSE(c.hasCookie("agora_session"));
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

TEST_F(AuthFormsTest, LogoutFormEndsTheCookieSession) {
    auto& s = server();
    auto u = s.createUser(tenant_, "admin");
    auto c = s.browserClient(tenant_, u);
    auto session = c.cookie("agora_session");
    ASSERT_EQ(c.get("/api/v1/admin/settings").status, 200);

    // Signed in, the page's token is bound to the session (not the anonymous seed).
    auto csrf = c.fetchCsrf("/login");
    auto r = c.postForm("/logout", {{"_csrf", csrf}});
    EXPECT_EQ(r.status, 303) << r;
    EXPECT_FALSE(c.hasCookie("agora_session")) << "logout must clear the cookie";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.sessions WHERE token_hash = $1 AND "
                       "revoked_at IS NOT NULL",
                       AccountService::hashToken(session)),
              1);
    // Replaying the old cookie gets nowhere.
    c.setCookie("agora_session", session);
    EXPECT_EQ(c.get("/api/v1/admin/settings").status, 401);
}

}  // namespace

}  // namespace agora::test
