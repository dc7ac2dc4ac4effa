// STARTTLS against a real server that demands it: mail goes out encrypted when the server's
// certificate verifies, and not at all (kept for a retry) when it does not.
#include <gmock/gmock.h>

#include <cstdlib>
#include <filesystem>

#include "mail/MailOutbox.h"
#include "services/MailSender.h"
#include "support/CaptureSmtp.h"
#include "support/IntegrationTest.h"
#include "support/ShellCommand.h"

namespace agora::test {

namespace {

namespace fs = std::filesystem;

class SmtpTlsTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        dir_ = fs::temp_directory_path() / ("agora-tls-" + TestServer::uniqueSuffix());
        fs::create_directories(dir_);
        tls_ = {(dir_ / "cert.pem").string(), (dir_ / "key.pem").string()};
        auto [rc, out] = runCommand(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout " +
            tls_.key + " -out " + tls_.cert + " 2>&1");
        ASSERT_EQ(rc, 0) << out;
        tenant_ = server().createTenant("tls");
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    int64_t queue(const std::string& to) {
        mail::OutgoingMail m;
        m.tenant_id = tenant_.id;
        m.to_address = to;
        m.kind = "test";
        m.template_name = "message";
        m.data = {{"subject", "over TLS"}, {"paragraphs", {"secret reset link"}}};
        auto conn = server().db();
        return mail::MailOutbox::enqueue(*conn, m);
    }

    fs::path dir_;
    CaptureSmtp::Tls tls_;
    TestTenant tenant_;
};

TEST_F(SmtpTlsTest, ATrustedCertificateCarriesTheMailOverStartTls) {
    // OpenSSL's default trust store, which the sender loads, honours SSL_CERT_FILE; each test
    // runs in its own process, so this trusts our certificate for this test only.
    setenv("SSL_CERT_FILE", tls_.cert.c_str(), 1);
    CaptureSmtp smtp(tls_);
    auto to = "tls-" + TestServer::uniqueSuffix() + "@mail.test";
    int64_t id = queue(to);
    MailSender(server().app(), smtp.url()).drainOnce();
    // The server refuses MAIL before STARTTLS, so a received mail went over TLS.
    ASSERT_EQ(smtp.messagesTo(to).size(), 1u);
    EXPECT_EQ(server().scalar("SELECT count(*) FROM network.mail_outbox WHERE id = $1 AND "
                              "status = 'sent'",
                              id),
              1);
}

TEST_F(SmtpTlsTest, AnUntrustedCertificateGetsNoMailAndTheMailWaitsForARetry) {
    CaptureSmtp smtp(tls_);
    auto to = "tls-" + TestServer::uniqueSuffix() + "@mail.test";
    int64_t id = queue(to);
    auto report = MailSender(server().app(), smtp.url()).drainOnce();
    EXPECT_EQ(report.sent, 0);
    EXPECT_TRUE(smtp.messagesTo(to).empty());
    auto row = server().db()->q(
        "SELECT status, coalesce(last_error, '') FROM network.mail_outbox WHERE id = $1", id);
    EXPECT_EQ(row.str(0, 0), "queued");
    EXPECT_FALSE(row.str(0, 1).empty());
}

}  // namespace

}  // namespace agora::test
