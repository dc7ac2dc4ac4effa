// The operator's side of mail, through the real binary: `agora mail work --once` delivers what
// is due and says so; `agora mail status` shows the outbox.
#include <gmock/gmock.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "mail/MailOutbox.h"
#include "support/CaptureSmtp.h"
#include "support/IntegrationTest.h"
#include "util/Subprocess.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

struct Run {
    int rc = -1;
    std::string out, err;
};

Run agora(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {AGORA_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess p(argv, {.pipe_stdin = false, .pipe_stdout = true});
    Run r;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(p.stdoutFd(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        r.out.append(buf, static_cast<size_t>(n));
    }
    r.rc = p.wait();
    r.err = p.errorOutput();
    return r;
}

class MailCommandsTest : public IntegrationTest {};

TEST_F(MailCommandsTest, MailWorkOnceDeliversWhatIsDueAndStatusShowsIt) {
    auto& s = server();
    auto t = s.createTenant("mcli");
    CaptureSmtp smtp;
    auto to = "cli-" + TestServer::uniqueSuffix() + "@mail.test";
    mail::OutgoingMail m;
    m.tenant_id = t.id;
    m.to_address = to;
    m.kind = "test";
    m.template_name = "message";
    m.data = {{"subject", "from the command"}, {"paragraphs", {"hello"}}};
    int64_t id = 0;
    {
        auto conn = s.db();
        id = mail::MailOutbox::enqueue(*conn, m);
    }
    setenv("AGORA_SMTP_URL", smtp.url().c_str(), 1);
    auto work = agora({"mail", "work", "--once"});
    EXPECT_EQ(work.rc, 0) << work.out << work.err;
    EXPECT_THAT(work.out, HasSubstr(" sent, 0 to retry, 0 failed"));
    EXPECT_EQ(smtp.messagesTo(to).size(), 1u);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE id = $1 AND status = "
                       "'sent'",
                       id),
              1);

    auto status = agora({"mail", "status"});
    EXPECT_EQ(status.rc, 0) << status.err;
    EXPECT_THAT(status.out, HasSubstr("sent"));
}

TEST_F(MailCommandsTest, MailWorkWithoutAnSmtpUrlSaysWhatIsMissing) {
    setenv("AGORA_SMTP_URL", "", 1);
    auto work = agora({"mail", "work", "--once"});
    EXPECT_EQ(work.rc, 2);
    EXPECT_THAT(work.err, HasSubstr("AGORA_SMTP_URL is not set"));
}

}  // namespace

}  // namespace agora::test
