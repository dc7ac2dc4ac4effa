// One-click unsubscribe (RFC 8058): every notification mail carries a link whose token alone
// unsubscribes; a POST without any sign-in turns that type off, a GET only shows a page.
#include "NotificationMailSupport.h"
#include "services/DigestJob.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class UnsubscribeTest : public NotificationMailTest {
protected:
    // Alice's question answered by Bob: the mail's unsubscribe path.
    std::string answeredMailLink(const TestTenant& t, const TestUser& alice, const TestUser& bob) {
        auto a = server().apiClient(t, alice), b = server().apiClient(t, bob);
        int64_t q = askId(a, "store fresh ginger root");
        answerId(b, q, "freeze it whole and grate it frozen");
        auto m = lastMail(alice);
        EXPECT_TRUE(m["unsubscribe_url"].is_string()) << m.dump();
        return pathOf(m["unsubscribe_url"].get<std::string>());
    }
    HttpResult oneClick(const TestTenant& t, const std::string& path) {
        return server().client(t).send("POST", path, "List-Unsubscribe=One-Click",
                                       "application/x-www-form-urlencoded");
    }
    std::string mode(const TestTenant& t, const TestUser& u, const std::string& type) {
        return server()
            .apiClient(t, u)
            .get("/api/v1/me/notification-settings")
            .json()[type]
            .get<std::string>();
    }
};

TEST_F(UnsubscribeTest, OneClickPostWithoutLoginTurnsThatTypeOff) {
    auto& s = server();
    auto t = roomyTenant("unsub");
    auto alice = s.createUser(t), bob = s.createUser(t);
    std::string link = answeredMailLink(t, alice, bob);
    ASSERT_EQ(link.rfind("/unsubscribe/", 0), 0u) << link;

    // A GET (a link scanner, a preview) shows the page and changes nothing.
    std::string before = choices(alice);
    auto page = s.client(t).get(link);
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("Answers to your questions"));
    EXPECT_THAT(page.body, HasSubstr("action=\"" + link + "\""));
    EXPECT_EQ(choices(alice), before);
    EXPECT_EQ(mode(t, alice, "answer"), "immediate");

    auto r = oneClick(t, link);
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(mode(t, alice, "answer"), "off");
    EXPECT_EQ(mode(t, alice, "comment"), "immediate") << "only the mail's own type";
    EXPECT_EQ(mode(t, alice, "all"), "on");
    EXPECT_THAT(s.client(t).get(link).body, HasSubstr("You will no longer get mail about"));

    // And the next answer mails nothing.
    auto a = s.apiClient(t, alice), b = s.apiClient(t, bob);
    auto q = askId(a, "keep avocados from browning");
    int64_t before_count = queued(alice);
    answerId(b, q, "lemon juice and cling film on the cut face");
    EXPECT_EQ(queued(alice), before_count);
}

TEST_F(UnsubscribeTest, ThePageButtonsWorkWithoutLoginAndCanStopAllMail) {
    auto& s = server();
    auto t = roomyTenant("unsub2");
    auto alice = s.createUser(t), bob = s.createUser(t);
    std::string link = answeredMailLink(t, alice, bob);
    auto browser = s.client(t);
    auto r = browser.postForm(link, {{"all", "1"}});
    ASSERT_EQ(r.status, 303) << r;
    EXPECT_EQ(r.header("Location"), link);
    EXPECT_EQ(mode(t, alice, "all"), "off");
    EXPECT_THAT(browser.get(link).body, HasSubstr("All notification mail is off"));
}

TEST_F(UnsubscribeTest, UnknownTokensChangeNothing) {
    auto& s = server();
    auto t = roomyTenant("unsub3");
    auto alice = s.createUser(t), bob = s.createUser(t);
    answeredMailLink(t, alice, bob);
    std::string before = choices(alice);
    auto r = oneClick(t, "/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_EQ(r.status, 404) << r;
    EXPECT_EQ(s.client(t).get("/unsubscribe/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").status, 404);
    EXPECT_EQ(oneClick(t, "/unsubscribe/short").status, 404);
    EXPECT_EQ(choices(alice), before);
}

TEST_F(UnsubscribeTest, ALinkAYearOldIsForgotten) {
    auto& s = server();
    auto t = roomyTenant("unsub5");
    auto alice = s.createUser(t), bob = s.createUser(t);
    std::string link = answeredMailLink(t, alice, bob);
    s.scalar(
        "WITH u AS (UPDATE network.unsubscribe_tokens SET created_at = now() - interval "
        "'400 days' WHERE account_id = $1 RETURNING 1) SELECT count(*) FROM u",
        alice.id);
    runDigests(s.app());
    EXPECT_EQ(
        s.scalar("SELECT count(*) FROM network.unsubscribe_tokens WHERE account_id = $1", alice.id),
        0);
    EXPECT_EQ(oneClick(t, link).status, 404);
    EXPECT_EQ(mode(t, alice, "answer"), "immediate");
}

TEST_F(UnsubscribeTest, TheDigestLinkStopsTheDigest) {
    auto& s = server();
    auto t = s.createTenant("unsub4");
    auto alice = s.createUser(t);
    s.scalar("WITH n AS (INSERT INTO " + t.schema +
                 ".notifications (member_id, kind, text) VALUES ($1, 'ability.granted', "
                 "'You can now vote down') RETURNING id) SELECT id FROM n",
             alice.id);
    runDigests(s.app());
    auto m = lastMail(alice, "digest");
    ASSERT_TRUE(m["unsubscribe_url"].is_string()) << m.dump();
    auto r = oneClick(t, pathOf(m["unsubscribe_url"]));
    EXPECT_EQ(r.status, 200) << r;
    for (const char* type : {"edit", "flag", "ability", "other"})
        EXPECT_EQ(mode(t, alice, type), "off") << type;
    EXPECT_EQ(mode(t, alice, "answer"), "immediate");
}

}  // namespace

}  // namespace agora::test
