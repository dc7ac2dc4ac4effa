// The account mails end to end: queued by the request, delivered by the real sender to a real
// (capture) SMTP server, rendered from the theme's templates, and their links work on the
// community that sent them.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"
#include "services/MailSender.h"
#include "support/CaptureSmtp.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AccountMailDeliveryTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("mailacct");
    }
    void deliver(const CaptureSmtp& smtp) { MailSender(server().app(), smtp.url()).drainOnce(); }
    // "https://HOST/reset/TOKEN" → "/reset/TOKEN", checking the host is the community's.
    std::string pathOf(const std::string& link) {
        std::string origin = "https://" + tenant_.host;
        EXPECT_EQ(link.rfind(origin, 0), 0u) << link;
        return link.substr(origin.size());
    }
    TestTenant tenant_;
};

TEST_F(AccountMailDeliveryTest, ResetMailArrivesAndItsLinkWorksOnce) {
    auto& s = server();
    CaptureSmtp smtp;
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    ASSERT_EQ(s.client(tenant_).post("/api/v1/password-reset", {{"login", u.username}}).status,
              202);
    deliver(smtp);
    auto mails = smtp.messagesTo(u.email);
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_THAT(mails[0].header("subject"), HasSubstr("Reset your password"));
    EXPECT_THAT(mails[0].text(), HasSubstr("works once"));
    std::string link = mails[0].linkContaining("/reset/");
    ASSERT_FALSE(link.empty()) << mails[0].text();
    std::string path = pathOf(link);
    EXPECT_THAT(mails[0].html(), HasSubstr(link));

    auto done = s.client(tenant_).post(
        "/api/v1" + std::string("/password-reset/") + path.substr(std::string("/reset/").size()),
        {{"password", "mailed new password"}});
    ASSERT_EQ(done.status, 200) << done;
    EXPECT_EQ(api.get("/api/v1/me").status, 401) << "old sessions are revoked";
    EXPECT_EQ(s.client(tenant_).get(path).status, 410) << "the link worked once";
}

TEST_F(AccountMailDeliveryTest, VerificationAndAddressChangeMailsArrive) {
    auto& s = server();
    CaptureSmtp smtp;
    auto u = signUp(tenant_);
    deliver(smtp);
    auto welcome = smtp.messagesTo(u.email);
    ASSERT_EQ(welcome.size(), 1u);
    EXPECT_THAT(welcome[0].header("subject"), HasSubstr("Verify your email address"));
    auto verify = s.client(tenant_).get(pathOf(welcome[0].linkContaining("/verify/")));
    EXPECT_EQ(verify.status, 200) << verify;

    smtp.clear();
    auto api = s.apiClient(tenant_, u);
    std::string fresh = "moved-" + TestServer::uniqueSuffix() + "@example.org";
    ASSERT_EQ(api.put("/api/v1/me/email", {{"email", fresh}, {"password", u.password}}).status,
              202);
    deliver(smtp);
    auto to_new = smtp.messagesTo(fresh);
    auto to_old = smtp.messagesTo(u.email);
    ASSERT_EQ(to_new.size(), 1u);
    ASSERT_EQ(to_old.size(), 1u);
    EXPECT_THAT(to_old[0].header("subject"), HasSubstr("change of your email address"));
    EXPECT_THAT(to_old[0].text(), Not(HasSubstr(fresh)));
    EXPECT_THAT(to_old[0].text(), HasSubstr("/forgot"));
    EXPECT_EQ(api.get("/api/v1/me").json()["account"]["email"], u.email);
    auto moved = s.client(tenant_).get(pathOf(to_new[0].linkContaining("/verify/")));
    EXPECT_EQ(moved.status, 200) << moved;
    EXPECT_EQ(api.get("/api/v1/me").json()["account"]["email"], fresh);
}

}  // namespace

}  // namespace agora::test
