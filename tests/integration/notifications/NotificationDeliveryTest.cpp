// Notification mail end to end, through the real sender into a capture SMTP server: the
// answer mail and the digest arrive rendered, carry the RFC 8058 headers, and the link in
// them unsubscribes with one POST and no sign-in.
#include "NotificationMailSupport.h"
#include "services/DigestJob.h"
#include "services/MailSender.h"
#include "support/CaptureSmtp.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class NotificationDeliveryTest : public NotificationMailTest {
protected:
    // An RFC 2047 "Q"-encoded header as text (the sender encodes non-ASCII subjects).
    static std::string decodedHeader(const std::string& raw) {
        std::string out;
        size_t pos = 0;
        while (pos < raw.size()) {
            auto start = raw.find("=?", pos);
            if (start == std::string::npos) {
                out += raw.substr(pos);
                break;
            }
            auto q = raw.find("?q?", start);
            q = q == std::string::npos ? raw.find("?Q?", start) : q;
            auto end = raw.find("?=", q + 3);
            if (q == std::string::npos || end == std::string::npos)
                return raw;
            for (size_t i = q + 3; i < end; ++i) {
                if (raw[i] == '_')
                    out += ' ';
                else if (raw[i] == '=' && i + 2 < end) {
                    out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
                    i += 2;
                } else
                    out += raw[i];
            }
            pos = end + 2;
            while (pos < raw.size() && raw[pos] == ' ')
                ++pos;
        }
        return out;
    }

    // Runs the sender once (it delivers synchronously) and waits for `count` mails to `to`.
    std::vector<CapturedMail> deliver(CaptureSmtp& smtp, const TestUser& to, size_t count) {
        MailSender(server().app(), smtp.url()).drainOnce();
        smtp.waitFor([&](const auto&) { return smtp.messagesTo(to.email).size() >= count; });
        return smtp.messagesTo(to.email);
    }
};

TEST_F(NotificationDeliveryTest, TheAnswerMailArrivesAndItsHeaderUnsubscribesInOneClick) {
    auto& s = server();
    CaptureSmtp smtp;
    auto t = roomyTenant("ndel");
    auto alice = s.createUser(t), bob = s.createUser(t);
    auto a = s.apiClient(t, alice), b = s.apiClient(t, bob);
    int64_t q = askId(a, "bring a split custard back");
    int64_t answer = answerId(b, q, "whisk in a spoon of cold cream off the heat");

    auto mails = deliver(smtp, alice, 1);
    ASSERT_EQ(mails.size(), 1u);
    const auto& m = mails[0];
    EXPECT_THAT(decodedHeader(m.header("subject")), HasSubstr("answered your question \u201c"));
    EXPECT_THAT(m.text(), HasSubstr("https://" + t.host + path("/questions/", q, "#post-") +
                                    std::to_string(answer)));
    EXPECT_THAT(m.html(), HasSubstr("answered your question"));
    std::string list = m.header("list-unsubscribe");
    ASSERT_THAT(list, HasSubstr("https://" + t.host + "/unsubscribe/"));
    EXPECT_EQ(m.header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
    std::string url = list.substr(list.find('<') + 1, list.find('>') - list.find('<') - 1);
    EXPECT_THAT(m.text(), HasSubstr(url)) << "the same link, for people";

    // What a mail client does with the header: POST, no cookies, no token.
    auto r = s.client(t).send("POST", pathOf(url), "List-Unsubscribe=One-Click",
                              "application/x-www-form-urlencoded");
    ASSERT_EQ(r.status, 200) << r;
    auto prefs = a.get("/api/v1/me/notification-settings").json();
    EXPECT_EQ(prefs["answer"], "off");
    EXPECT_EQ(prefs["comment"], "immediate");

    answerId(b, q, "strain it through a fine sieve and carry on");
    EXPECT_EQ(queued(alice), 1) << "no mail queued after unsubscribing";
    EXPECT_EQ(deliver(smtp, alice, 1).size(), 1u) << "none delivered either";
}

TEST_F(NotificationDeliveryTest, TheDigestArrivesOnceWithBothCommunities) {
    auto& s = server();
    CaptureSmtp smtp;
    auto t1 = s.createTenant("ndig1"), t2 = s.createTenant("ndig2");
    auto alice = s.createUser(t1);
    s.login(t2, alice);
    for (const auto& [t, text] : {std::pair{t1, std::string("You can now close questions")},
                                  std::pair{t2, std::string("Your flag was marked helpful")}})
        s.scalar("WITH n AS (INSERT INTO " + t.schema +
                     ".notifications (member_id, kind, text, link) VALUES ($1, $2, $3, "
                     "'/notifications') RETURNING id) SELECT id FROM n",
                 alice.id, t.id == t1.id ? "ability.granted" : "flag.helpful", text);

    runDigests(s.app());
    runDigests(s.app());
    auto mails = deliver(smtp, alice, 1);
    ASSERT_EQ(mails.size(), 1u);
    const auto& m = mails[0];
    EXPECT_THAT(decodedHeader(m.header("subject")), HasSubstr("Your daily digest: 2 new"));
    EXPECT_THAT(m.text(), HasSubstr(t1.name));
    EXPECT_THAT(m.text(), HasSubstr(t2.name));
    EXPECT_THAT(m.text(), HasSubstr("You can now close questions"));
    EXPECT_THAT(m.text(), HasSubstr("https://" + t2.host + "/notifications"));
    EXPECT_THAT(m.html(), HasSubstr("Your flag was marked helpful"));
    EXPECT_EQ(m.header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");
    EXPECT_THAT(m.text(), Not(HasSubstr("{{")));
}

}  // namespace

}  // namespace agora::test
