#include "mail/SmtpUrl.h"

#include <gtest/gtest.h>

#include "mail/MimeMail.h"

namespace agora::mail {

namespace {

TEST(SmtpUrl, PlainWithPortAndEncodedCredentials) {
    auto u = SmtpUrl::parse("smtp://mailer:p%40ss%3Aword@mail.example.org:2525");
    EXPECT_FALSE(u.implicit_tls);
    EXPECT_EQ(u.user, "mailer");
    EXPECT_EQ(u.password, "p@ss:word");
    EXPECT_EQ(u.host, "mail.example.org");
    EXPECT_EQ(u.port, 2525);
    EXPECT_EQ(u.redacted(), "smtp://mail.example.org:2525");
}

TEST(SmtpUrl, DefaultPortsPerScheme) {
    EXPECT_EQ(SmtpUrl::parse("smtp://localhost").port, 25);
    auto tls = SmtpUrl::parse("smtps://smtp.example.org/");
    EXPECT_TRUE(tls.implicit_tls);
    EXPECT_EQ(tls.port, 465);
}

TEST(SmtpUrl, BracketedIpv6Host) {
    auto u = SmtpUrl::parse("smtp://[::1]:1025");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 1025);
}

TEST(SmtpUrl, RefusesWhatIsNotAnSmtpUrlWithoutEchoingThePassword) {
    for (const char* bad :
         {"http://mail:25", "smtp://", "smtp://host:", "smtp://host:99999", "smtp://host:2x5",
          "smtp://:secret@host", "smtp://host/path", "smtp://[::1"}) {
        try {
            SmtpUrl::parse(bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).rfind("AGORA_SMTP_URL: ", 0), 0u) << e.what();
            EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
        }
    }
}

TEST(Mailbox, QuotesAsciiNamesAndEncodesOthers) {
    EXPECT_EQ(mailbox("", "a@b.test"), "<a@b.test>");
    EXPECT_EQ(mailbox("Dr. \"Q\" Smith", "a@b.test"), "\"Dr. \\\"Q\\\" Smith\" <a@b.test>");
    EXPECT_EQ(mailbox("Zoë", "a@b.test"), "=?UTF-8?q?Zo=C3=AB?= <a@b.test>");
}

TEST(Mailbox, EncodedTextNeverEndsInAnEmptyFoldedLine) {
    // Lengths around Poco's fold point: whichever one fills the last line exactly would end in
    // "\r\n " without the trim.
    std::string text = "Test community: ü commented on your question “A question”";
    for (int extra = 0; extra < 80; ++extra) {
        auto encoded = encodedHeaderText(text + std::string(extra, 'x'));
        ASSERT_FALSE(encoded.empty());
        EXPECT_NE(encoded.back(), ' ') << extra;
        EXPECT_NE(encoded.back(), '\n') << extra;
        EXPECT_EQ(encoded.substr(encoded.size() - 2), "?=") << extra;
    }
}

TEST(Mailbox, MessageIdsAreUniqueAndNameTheDomain) {
    auto a = newMessageId("cooking.example");
    auto b = newMessageId("cooking.example");
    EXPECT_NE(a, b);
    EXPECT_EQ(a.front(), '<');
    EXPECT_NE(a.find("@cooking.example>"), std::string::npos);
}

}  // namespace

}  // namespace agora::mail
