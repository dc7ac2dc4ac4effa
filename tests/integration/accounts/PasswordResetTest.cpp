// Password reset (SPEC §5.1): one answer for every login, a single-use link that expires, and
// every session and token of the account revoked once it is used.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"
#include "util/Crypto.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PasswordResetTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("reset");
    }
    int64_t tokensOf(int64_t account_id) {
        return server().scalar("SELECT count(*) FROM network.account_tokens WHERE account_id = $1",
                               account_id);
    }
    TestTenant tenant_;
};

TEST_F(PasswordResetTest, LinkSetsPasswordOnceAndRevokesEverySession) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    auto browser = s.browserClient(tenant_, u);
    ASSERT_EQ(api.get("/api/v1/me").status, 200);
    ASSERT_EQ(browser.get("/api/v1/me").status, 200);

    auto r = s.client(tenant_).post("/api/v1/password-reset", {{"login", u.username}});
    ASSERT_EQ(r.status, 202) << r;
    ASSERT_EQ(queued(u.email, "reset"), 1);
    std::string link = mailLink(u.email, "reset");
    ASSERT_THAT(link, ::testing::StartsWith("/reset/"));
    std::string token = link.substr(7);
    // Only the hash is stored.
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.account_tokens WHERE token_hash = $1",
                       crypto::sha256Hex(token)),
              1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.account_tokens WHERE token_hash = $1", token),
              0);

    std::string fresh = "a brand new password";
    auto done = s.client(tenant_).post("/api/v1/password-reset/" + token, {{"password", fresh}});
    ASSERT_EQ(done.status, 200) << done;

    EXPECT_EQ(api.get("/api/v1/me").status, 401) << "the bearer token was revoked";
    EXPECT_EQ(browser.get("/api/v1/me").status, 401) << "the cookie session was revoked";
    auto old_login = s.client(tenant_).post("/api/v1/session",
                                            {{"login", u.username}, {"password", u.password}});
    EXPECT_EQ(old_login.status, 401);
    auto new_login =
        s.client(tenant_).post("/api/v1/session", {{"login", u.username}, {"password", fresh}});
    EXPECT_EQ(new_login.status, 200) << new_login;

    auto again = s.client(tenant_).post("/api/v1/password-reset/" + token,
                                        {{"password", "yet another password"}});
    EXPECT_EQ(again.status, 410) << again;
    EXPECT_EQ(again.errorCode(), "gone");
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", u.username}, {"password", fresh}})
                  .status,
              200)
        << "the refused reuse changed nothing";
}

TEST_F(PasswordResetTest, UnknownLoginGetsTheSameAnswerAndNothingIsWritten) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto known = s.client(tenant_).post("/api/v1/password-reset", {{"login", u.username}});
    auto by_email = s.client(tenant_).post("/api/v1/password-reset", {{"login", u.email}});
    std::string ghost = "nobody-" + TestServer::uniqueSuffix() + "@example.org";
    int64_t outbox_before = s.scalar("SELECT count(*) FROM network.mail_outbox");
    int64_t tokens_before = s.scalar("SELECT count(*) FROM network.account_tokens");
    auto unknown = s.client(tenant_).post("/api/v1/password-reset", {{"login", ghost}});
    auto unknown_name = s.client(tenant_).post("/api/v1/password-reset",
                                               {{"login", "ghost" + TestServer::uniqueSuffix()}});

    for (const auto* r : {&known, &by_email, &unknown, &unknown_name}) {
        EXPECT_EQ(r->status, 202) << *r;
        EXPECT_EQ(r->body, known.body);
    }
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox"), outbox_before);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.account_tokens"), tokens_before);
    EXPECT_EQ(queued(u.email, "reset"), 2);
}

TEST_F(PasswordResetTest, ExpiredLinkIsGoneAndChangesNothing) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    ASSERT_EQ(s.client(tenant_).post("/api/v1/password-reset", {{"login", u.email}}).status, 202);
    std::string token = mailLink(u.email, "reset").substr(7);
    {
        auto lease = s.db();
        lease->q(
            "UPDATE network.account_tokens SET expires_at = now() - interval '1 second' "
            "WHERE account_id = $1",
            u.id);
    }
    std::string hash_before =
        s.text("SELECT password_hash FROM network.accounts WHERE id = $1", u.id);
    auto r = s.client(tenant_).post("/api/v1/password-reset/" + token,
                                    {{"password", "whatever password"}});
    EXPECT_EQ(r.status, 410) << r;
    EXPECT_EQ(s.text("SELECT password_hash FROM network.accounts WHERE id = $1", u.id),
              hash_before);
    EXPECT_EQ(s.client(tenant_).get("/reset/" + token).status, 410);
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/password-reset/made-up-token", {{"password", "x12345678"}})
                  .status,
              410);
}

TEST_F(PasswordResetTest, BadNewPasswordIsRefusedAndTheLinkStillWorks) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    ASSERT_EQ(s.client(tenant_).post("/api/v1/password-reset", {{"login", u.username}}).status,
              202);
    std::string token = mailLink(u.email, "reset").substr(7);
    std::string hash_before =
        s.text("SELECT password_hash FROM network.accounts WHERE id = $1", u.id);
    auto bad = s.client(tenant_).post("/api/v1/password-reset/" + token, {{"password", "short"}});
    EXPECT_EQ(bad.status, 422) << bad;
    EXPECT_EQ(bad.errorField(), "password");
    EXPECT_EQ(s.text("SELECT password_hash FROM network.accounts WHERE id = $1", u.id),
              hash_before);
    auto good = s.client(tenant_).post("/api/v1/password-reset/" + token,
                                       {{"password", "long enough now"}});
    EXPECT_EQ(good.status, 200) << good;
}

TEST_F(PasswordResetTest, RequestsAreThrottledAlikeForKnownAndUnknownLogins) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto& throttle = s.app().authThrottle();
    auto limits = throttle.limits();
    limits.resets_per_account = 2;
    throttle.setLimits(limits);
    std::string ghost = "ghost" + TestServer::uniqueSuffix();
    auto c = s.client(tenant_).fromAddress("127.0.0.23");
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(c.post("/api/v1/password-reset", {{"login", u.username}}).status, 202);
        EXPECT_EQ(c.post("/api/v1/password-reset", {{"login", ghost}}).status, 202);
    }
    auto known = c.post("/api/v1/password-reset", {{"login", u.username}});
    auto unknown = c.post("/api/v1/password-reset", {{"login", ghost}});
    EXPECT_EQ(known.status, 429) << known;
    EXPECT_EQ(unknown.status, 429) << unknown;
    EXPECT_FALSE(known.header("Retry-After").empty());
    EXPECT_EQ(queued(u.email, "reset"), 2) << "a refused request queues nothing";
}

TEST_F(PasswordResetTest, FormsLeadFromForgotToSignedIn) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto browser = s.client(tenant_);
    auto login_page = browser.get("/login");
    EXPECT_THAT(login_page.body, HasSubstr("href=\"/forgot\""));
    auto csrf = browser.fetchCsrf("/forgot");
    auto no_csrf = browser.postForm("/forgot", {{"login", u.username}});
    EXPECT_EQ(no_csrf.status, 403);
    EXPECT_EQ(queued(u.email, "reset"), 0);
    auto sent = browser.postForm("/forgot", {{"_csrf", csrf}, {"login", u.username}});
    ASSERT_EQ(sent.status, 303) << sent;
    EXPECT_EQ(sent.header("Location"), "/login");
    std::string link = mailLink(u.email, "reset");

    auto form = browser.get(link);
    ASSERT_EQ(form.status, 200) << form;
    EXPECT_THAT(form.body, HasSubstr("action=\"" + link + "\""));
    auto done = browser.postForm(link, {{"_csrf", form.csrfMeta()}, {"password", "reset by form"}});
    ASSERT_EQ(done.status, 303) << done;
    EXPECT_EQ(done.header("Location"), "/");
    ASSERT_TRUE(browser.hasCookie("agora_session"));
    auto me = browser.get("/api/v1/me");
    ASSERT_EQ(me.status, 200) << me;
    EXPECT_EQ(me.json()["account"]["id"], u.id);
    // The address the link went to is now proven.
    EXPECT_EQ(me.json()["account"]["email_verified"], true);
    EXPECT_EQ(browser.get(link).status, 410);
}

}  // namespace

}  // namespace agora::test
