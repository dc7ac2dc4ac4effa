// Address verification and change (SPEC §5.1): sign-up queues a link, following it marks the
// address verified; a new address counts only once verified, and the old one is told.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class EmailVerificationTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("verify");
    }
    json me(HttpClient& api) {
        auto r = api.get("/api/v1/me");
        if (r.status != 200)
            throw std::runtime_error("me: " + r.describe());
        return r.json()["account"];
    }
    TestTenant tenant_;
};

TEST_F(EmailVerificationTest, SignUpQueuesALinkThatVerifiesOnce) {
    auto& s = server();
    auto u = signUp(tenant_);
    ASSERT_EQ(queued(u.email, "verify"), 1) << "queued in the sign-up transaction";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE to_address = $1 AND "
                       "tenant_id = $2 AND account_id = $3",
                       u.email, tenant_.id, u.id),
              1);
    auto api = s.apiClient(tenant_, u);
    EXPECT_EQ(me(api)["email_verified"], false);

    std::string link = mailLink(u.email, "verify");
    auto page = s.client(tenant_).get(link);
    EXPECT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr(u.email));
    EXPECT_EQ(me(api)["email_verified"], true);
    EXPECT_EQ(s.client(tenant_).get(link).status, 410);

    auto resend = api.post("/api/v1/me/email-verification");
    EXPECT_EQ(resend.status, 409) << resend;
    EXPECT_EQ(resend.errorCode(), "already_verified");
}

TEST_F(EmailVerificationTest, ResendMailsTheCurrentAddress) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    ASSERT_EQ(queued(u.email, "verify"), 0);
    auto r = api.post("/api/v1/me/email-verification");
    EXPECT_EQ(r.status, 202) << r;
    EXPECT_EQ(queued(u.email, "verify"), 1);
    EXPECT_EQ(s.client(tenant_).get(mailLink(u.email, "verify")).status, 200);
    EXPECT_EQ(me(api)["email_verified"], true);
}

TEST_F(EmailVerificationTest, NewAddressCountsOnlyOnceVerifiedAndTheOldOneIsTold) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    std::string fresh = "new-" + TestServer::uniqueSuffix() + "@example.org";

    auto r = api.put("/api/v1/me/email", {{"email", fresh}, {"password", u.password}});
    ASSERT_EQ(r.status, 202) << r;
    auto account = me(api);
    EXPECT_EQ(account["email"], u.email) << "not before it is verified";
    EXPECT_EQ(account["pending_email"], fresh);
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", fresh}, {"password", u.password}})
                  .status,
              401);

    ASSERT_EQ(queued(fresh, "email_change"), 1);
    ASSERT_EQ(queued(u.email, "email_change_notice"), 1);
    auto notice = mailData(u.email, "email_change_notice");
    EXPECT_THAT(notice.dump(), Not(HasSubstr(fresh))) << "the notice masks the new address";
    EXPECT_EQ(queued(fresh, "email_change_notice"), 0);

    auto page = s.client(tenant_).get(mailLink(fresh, "email_change"));
    EXPECT_EQ(page.status, 200) << page;
    account = me(api);
    EXPECT_EQ(account["email"], fresh);
    EXPECT_TRUE(account["pending_email"].is_null());
    EXPECT_EQ(account["email_verified"], true);
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", fresh}, {"password", u.password}})
                  .status,
              200);
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", u.email}, {"password", u.password}})
                  .status,
              401);
}

TEST_F(EmailVerificationTest, BadChangeRequestsWriteNothing) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto other = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    std::string fresh = "new-" + TestServer::uniqueSuffix() + "@example.org";
    auto state = [&] {
        return s.text(
                   "SELECT email || '|' || coalesce(pending_email, '') FROM network.accounts "
                   "WHERE id = $1",
                   u.id) +
               "|" +
               std::to_string(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE "
                                       "account_id = $1",
                                       u.id));
    };
    auto before = state();

    auto wrong = api.put("/api/v1/me/email", {{"email", fresh}, {"password", "not my password"}});
    EXPECT_EQ(wrong.status, 422) << wrong;
    EXPECT_EQ(wrong.errorField(), "password");
    auto malformed =
        api.put("/api/v1/me/email", {{"email", "not-an-address"}, {"password", u.password}});
    EXPECT_EQ(malformed.status, 422) << malformed;
    EXPECT_EQ(malformed.errorField(), "email");
    auto taken = api.put("/api/v1/me/email", {{"email", other.email}, {"password", u.password}});
    EXPECT_EQ(taken.status, 409) << taken;
    EXPECT_EQ(taken.errorCode(), "email_taken");
    EXPECT_EQ(s.client(tenant_)
                  .put("/api/v1/me/email", {{"email", fresh}, {"password", u.password}})
                  .status,
              401);
    EXPECT_EQ(state(), before);
}

TEST_F(EmailVerificationTest, ALinkForAReplacedPendingAddressIsGone) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    std::string first = "first-" + TestServer::uniqueSuffix() + "@example.org";
    std::string second = "second-" + TestServer::uniqueSuffix() + "@example.org";
    ASSERT_EQ(api.put("/api/v1/me/email", {{"email", first}, {"password", u.password}}).status,
              202);
    ASSERT_EQ(api.put("/api/v1/me/email", {{"email", second}, {"password", u.password}}).status,
              202);
    EXPECT_EQ(s.client(tenant_).get(mailLink(first, "email_change")).status, 410);
    EXPECT_EQ(me(api)["email"], u.email);
    EXPECT_EQ(s.client(tenant_).get(mailLink(second, "email_change")).status, 200);
    EXPECT_EQ(me(api)["email"], second);
}

}  // namespace

}  // namespace agora::test
