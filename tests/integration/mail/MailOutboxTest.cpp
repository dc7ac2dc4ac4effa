// The outbox and its sender against a real capture SMTP server: a mail exists exactly when the
// transaction that queued it commits, goes out once with the headers mail clients need, waits
// out an SMTP outage without loss, and is never sent twice by two senders.
#include <gmock/gmock.h>

#include <set>
#include <thread>

#include "db/PgConnection.h"
#include "mail/MailOutbox.h"
#include "mail/OutboxClaims.h"
#include "migrate/Stager.h"
#include "services/MailSender.h"
#include "support/CaptureSmtp.h"
#include "support/IntegrationTest.h"
#include "util/Error.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class MailOutboxTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("mail");
    }

    // A unique address for this test, so its mail is told apart from any other queued mail.
    std::string address(const std::string& who = "m") {
        return who + "-" + TestServer::uniqueSuffix() + "@mail.test";
    }

    mail::OutgoingMail message(const std::string& to, const std::string& subject) {
        mail::OutgoingMail m;
        m.tenant_id = tenant_.id;
        m.to_address = to;
        m.to_name = "Zoë Ångström";
        m.kind = "test";
        m.template_name = "message";
        m.data = {{"subject", subject},
                  {"paragraphs", {"Somebody answered your question."}},
                  {"link", "/questions/7"},
                  {"link_label", "Read the answer"}};
        return m;
    }

    int64_t queue(const mail::OutgoingMail& m) {
        auto conn = server().db();
        return mail::MailOutbox::enqueue(*conn, m);
    }

    std::string status(int64_t id) {
        auto conn = server().db();
        auto r = conn->q("SELECT status FROM network.mail_outbox WHERE id = $1", id);
        return r.empty() ? "" : r.str(0, 0);
    }

    MailSender sender(const CaptureSmtp& smtp, MailSender::Options options = {}) {
        return MailSender(server().app(), smtp.url(), options);
    }

    TestTenant tenant_;
};

TEST_F(MailOutboxTest, AMailExistsOnlyWhenItsTransactionCommits) {
    auto to = address();
    {
        auto conn = server().db();
        db::Transaction tx(*conn);
        mail::MailOutbox::enqueue(*conn, message(to, "rolled back"));
        // No commit: the cause was rolled back, so must its mail be.
    }
    EXPECT_EQ(server().scalar("SELECT count(*) FROM network.mail_outbox WHERE to_address = $1", to),
              0);
    {
        auto conn = server().db();
        db::Transaction tx(*conn);
        mail::MailOutbox::enqueue(*conn, message(to, "committed"));
        tx.commit();
    }
    EXPECT_EQ(server().scalar("SELECT count(*) FROM network.mail_outbox WHERE to_address = $1 "
                              "AND status = 'queued'",
                              to),
              1);
}

TEST_F(MailOutboxTest, ABadAddressOrTemplateIsRefusedAndNothingIsQueued) {
    auto before = server().scalar("SELECT count(*) FROM network.mail_outbox");
    auto bad = message("not an address", "x");
    try {
        queue(bad);
        FAIL() << "a malformed address was queued";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::Invalid);
        EXPECT_EQ(e.field(), "to_address");
    }
    auto traversal = message(address(), "x");
    traversal.template_name = "../layout";
    EXPECT_THROW(queue(traversal), Error);
    EXPECT_EQ(server().scalar("SELECT count(*) FROM network.mail_outbox"), before);
}

TEST_F(MailOutboxTest, SendsOnceWithTheHeadersAndPartsMailClientsNeed) {
    CaptureSmtp smtp;
    auto to = address();
    int64_t id = queue(message(to, "Ein Frühling: new answer"));
    auto report = sender(smtp).drainOnce();
    EXPECT_GE(report.sent, 1);

    auto mails = smtp.messagesTo(to);
    ASSERT_EQ(mails.size(), 1u);
    const auto& m = mails[0];
    EXPECT_EQ(status(id), "sent");
    // Non-ASCII names and subjects travel as RFC 2047 encoded words.
    EXPECT_THAT(m.header("Subject"), HasSubstr("=?UTF-8?q?"));
    EXPECT_THAT(m.header("To"), HasSubstr("=?UTF-8?q?Zo=C3=AB"));
    EXPECT_THAT(m.header("To"), HasSubstr("<" + to + ">"));
    EXPECT_THAT(m.header("From"), HasSubstr("<noreply@" + tenant_.host + ">"));
    EXPECT_THAT(m.header("From"), HasSubstr(tenant_.name));
    EXPECT_FALSE(m.header("Date").empty());
    EXPECT_THAT(m.header("Content-Type"), HasSubstr("multipart/alternative"));
    auto stored_id =
        server().db()->q("SELECT message_id FROM network.mail_outbox WHERE id = $1", id);
    EXPECT_EQ(m.header("Message-ID"), stored_id.str(0, 0));
    EXPECT_THAT(m.header("Message-ID"), HasSubstr("@" + tenant_.host + ">"));
    // Links point at the community's own host; both parts say the same thing.
    EXPECT_EQ(m.linkContaining("/questions/7"), "https://" + tenant_.host + "/questions/7");
    EXPECT_THAT(m.text(), HasSubstr("Somebody answered your question."));
    EXPECT_THAT(m.html(), HasSubstr("Somebody answered your question."));
    EXPECT_THAT(m.html(), HasSubstr(tenant_.name));
    EXPECT_TRUE(m.header("List-Unsubscribe").empty());

    // Sent is sent: a second pass sends nothing more.
    sender(smtp).drainOnce();
    EXPECT_EQ(smtp.messagesTo(to).size(), 1u);
}

TEST_F(MailOutboxTest, AnUnsubscribeUrlBecomesOneClickHeaders) {
    CaptureSmtp smtp;
    auto to = address();
    auto m = message(to, "digest");
    m.unsubscribe_url = "https://" + tenant_.host + "/unsubscribe/tok";
    queue(m);
    sender(smtp).drainOnce();
    auto mails = smtp.messagesTo(to);
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].header("List-Unsubscribe"), "<" + *m.unsubscribe_url + ">");
    EXPECT_EQ(mails[0].header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    EXPECT_THAT(mails[0].text(), HasSubstr(*m.unsubscribe_url));
}

TEST_F(MailOutboxTest, SmtpDownLosesNothingAndTheMailGoesOutWhenItReturns) {
    CaptureSmtp smtp;
    smtp.stop();
    auto to = address();
    int64_t id = queue(message(to, "during the outage"));
    MailSender::Options quick;
    quick.retry_base = std::chrono::seconds(1);
    auto report = sender(smtp, quick).drainOnce();
    EXPECT_EQ(report.sent, 0);
    EXPECT_GE(report.retried, 1);
    EXPECT_EQ(status(id), "queued");
    EXPECT_EQ(server().scalar("SELECT attempts FROM network.mail_outbox WHERE id = $1", id), 1);
    EXPECT_FALSE(server()
                     .db()
                     ->q("SELECT last_error FROM network.mail_outbox WHERE id = $1", id)
                     .isNull(0, 0));

    smtp.start();
    // Backoff: not before the retry is due…
    sender(smtp, quick).drainOnce();
    EXPECT_EQ(status(id), "queued");
    // …and delivered once it is.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    sender(smtp, quick).drainOnce();
    EXPECT_EQ(status(id), "sent");
    EXPECT_EQ(smtp.messagesTo(to).size(), 1u);
}

TEST_F(MailOutboxTest, TwoSendersAtOnceNeverSendAMailTwice) {
    CaptureSmtp smtp;
    auto to = address("pair");
    constexpr int kMails = 300;
    {
        auto conn = server().db();
        db::Transaction tx(*conn);
        for (int i = 0; i < kMails; ++i)
            mail::MailOutbox::enqueue(*conn, message(to, "mail " + std::to_string(i)));
        tx.commit();
    }
    MailSender::Options small;
    small.batch = 20;  // many claims each, so the two really interleave
    MailSendReport a, b;
    std::thread first([&] { a = sender(smtp, small).drainOnce(); });
    std::thread second([&] { b = sender(smtp, small).drainOnce(); });
    first.join();
    second.join();
    EXPECT_GT(a.sent, 0);
    EXPECT_GT(b.sent, 0);

    auto mails = smtp.messagesTo(to);
    ASSERT_EQ(mails.size(), static_cast<size_t>(kMails));
    std::set<std::string> subjects, ids;
    for (const auto& m : mails) {
        subjects.insert(m.header("Subject"));
        ids.insert(m.header("Message-ID"));
    }
    EXPECT_EQ(subjects.size(), static_cast<size_t>(kMails));
    EXPECT_EQ(ids.size(), static_cast<size_t>(kMails));
    EXPECT_EQ(server().scalar("SELECT count(*) FROM network.mail_outbox WHERE to_address = $1 "
                              "AND status = 'sent' AND attempts = 1",
                              to),
              kMails);
}

TEST_F(MailOutboxTest, AClaimedMailWhoseSenderDiedGoesOutAfterTheLease) {
    CaptureSmtp smtp;
    auto to = address();
    int64_t id = queue(message(to, "orphaned"));
    {
        // A sender claims it and dies before sending.
        auto conn = server().db();
        auto claimed = mail::OutboxClaims::claim(*conn, 100000, std::chrono::seconds(1));
        bool mine = false;
        for (const auto& c : claimed)
            mine = mine || c.id == id;
        ASSERT_TRUE(mine);
    }
    sender(smtp).drainOnce();
    EXPECT_TRUE(smtp.messagesTo(to).empty()) << "taken while another sender held it";
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    sender(smtp).drainOnce();
    EXPECT_EQ(smtp.messagesTo(to).size(), 1u);
    EXPECT_EQ(status(id), "sent");
}

TEST_F(MailOutboxTest, AMailThatCannotBeRenderedFailsWithoutRetrying) {
    CaptureSmtp smtp;
    auto to = address();
    auto m = message(to, "x");
    m.template_name = "no_such_template";
    int64_t id = queue(m);
    auto report = sender(smtp).drainOnce();
    EXPECT_GE(report.failed, 1);
    EXPECT_EQ(status(id), "failed");
    EXPECT_TRUE(smtp.messagesTo(to).empty());
}

TEST_F(MailOutboxTest, PruningDeletesOnlyMailDoneWithLongAgo) {
    auto old_sent = queue(message(address(), "old"));
    auto recent_sent = queue(message(address(), "recent"));
    auto old_queued = queue(message(address(), "still waiting"));
    {
        auto conn = server().db();
        conn->q(
            "UPDATE network.mail_outbox SET status = 'sent', sent_at = now() - interval "
            "'31 days' WHERE id = $1",
            old_sent);
        conn->q(
            "UPDATE network.mail_outbox SET status = 'sent', sent_at = now() - interval "
            "'1 day' WHERE id = $1",
            recent_sent);
        conn->q(
            "UPDATE network.mail_outbox SET next_attempt_at = now() + interval '1 day', "
            "created_at = now() - interval '40 days' WHERE id = $1",
            old_queued);
        EXPECT_GE(mail::OutboxClaims::prune(*conn, std::chrono::hours(24 * 30)), 1);
    }
    EXPECT_EQ(status(old_sent), "");
    EXPECT_EQ(status(recent_sent), "sent");
    EXPECT_EQ(status(old_queued), "queued");
}

TEST_F(MailOutboxTest, AStagingCopyNeverMailsTheRealMembersItHolds) {
    CaptureSmtp smtp;
    auto staged = Stager(server().app().ownerPool(), server().app().config().migration_database_url)
                      .stage(tenant_.slug);
    ASSERT_TRUE(TestServer::waitFor(
        [&] { return server().app().directory().byId(staged.id) != nullptr; }, 5000));
    auto to = address();
    auto m = message(to, "from staging");
    m.tenant_id = staged.id;
    int64_t id = queue(m);
    sender(smtp).drainOnce();
    EXPECT_EQ(status(id), "failed");
    EXPECT_TRUE(smtp.messagesTo(to).empty());
}

}  // namespace

}  // namespace agora::test
