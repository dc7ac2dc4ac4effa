// The daily digest: one mail per account listing its unread notifications of "digest" types
// from every community it belongs to, nothing when there is nothing new, never twice a day,
// never from a staging copy.
#include "NotificationMailSupport.h"
#include "migrate/Stager.h"
#include "services/DigestJob.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DigestTest : public NotificationMailTest {
protected:
    void note(const TestTenant& t, const TestUser& u, const std::string& kind,
              const std::string& text, bool read = false) {
        server().scalar("WITH n AS (INSERT INTO " + t.schema +
                            ".notifications (member_id, kind, text, link, read_at) "
                            "VALUES ($1, $2, $3, '/notifications', CASE WHEN $4::boolean THEN "
                            "now() END) RETURNING id) SELECT id FROM n",
                        u.id, kind, text, read);
    }
};

TEST_F(DigestTest, OneMailListsUnreadItemsFromEveryCommunityOnce) {
    auto& s = server();
    auto t1 = s.createTenant("dig1"), t2 = s.createTenant("dig2");
    auto alice = s.createUser(t1), bob = s.createUser(t1);
    s.login(t2, alice);  // signing in makes her a member there too
    note(t1, alice, "ability.granted", "You can now edit posts");
    note(t2, alice, "flag.helpful", "Your flag on a spam answer was marked helpful");
    note(t2, alice, "reviews.approved", "Your suggested edit was approved");
    note(t1, alice, "post.answered", "An answer already mailed at once");
    note(t1, alice, "ability.revoked", "Already read", true);

    EXPECT_GE(runDigests(s.app()), 1);
    ASSERT_EQ(queued(alice, "digest"), 1);
    auto m = lastMail(alice, "digest");
    EXPECT_EQ(m["kind"], "digest");
    EXPECT_TRUE(m["tenant_id"].is_null()) << "it speaks for two communities";
    const auto& data = m["data"];
    EXPECT_EQ(data["count"], 3);
    ASSERT_EQ(data["communities"].size(), 2u) << data.dump(2);
    std::string all = data.dump();
    EXPECT_THAT(all, HasSubstr("You can now edit posts"));
    EXPECT_THAT(all, HasSubstr("marked helpful"));
    EXPECT_THAT(all, HasSubstr("suggested edit was approved"));
    EXPECT_THAT(all, Not(HasSubstr("already mailed at once")));
    EXPECT_THAT(all, Not(HasSubstr("Already read")));
    EXPECT_THAT(all, HasSubstr("https://" + t2.host + "/notifications"));
    EXPECT_EQ(data["settings_url"], "https://" + t1.host + "/settings/notifications");
    EXPECT_NE(m["unsubscribe_url"].get<std::string>().find("/unsubscribe/"), std::string::npos);
    EXPECT_EQ(queued(bob, "digest"), 0) << "nothing new for bob: no mail";

    // Run again (a second server, or the next hour): nothing more today.
    note(t1, alice, "ability.granted", "Arrived after the digest");
    runDigests(s.app());
    EXPECT_EQ(queued(alice, "digest"), 1);
}

TEST_F(DigestTest, NextDayListsOnlyWhatIsNewAndSkipsWhenNothingIs) {
    auto& s = server();
    auto t = s.createTenant("dig3");
    auto alice = s.createUser(t);
    note(t, alice, "ability.granted", "Yesterday's news");
    runDigests(s.app());
    ASSERT_EQ(queued(alice, "digest"), 1);

    // A day passes with nothing new: no digest.
    auto yesterday = [&] {
        s.scalar(
            "WITH u AS (UPDATE network.notification_mail SET last_digest_at = "
            "last_digest_at - interval '1 day' WHERE account_id = $1 RETURNING 1) "
            "SELECT count(*) FROM u",
            alice.id);
        s.scalar("WITH u AS (UPDATE " + t.schema +
                     ".notifications SET created_at = created_at - interval '1 day' "
                     "WHERE member_id = $1 RETURNING 1) SELECT count(*) FROM u",
                 alice.id);
    };
    yesterday();
    runDigests(s.app());
    EXPECT_EQ(queued(alice, "digest"), 1);

    note(t, alice, "flag.declined", "Today's news");
    runDigests(s.app());
    ASSERT_EQ(queued(alice, "digest"), 2);
    auto data = lastMail(alice, "digest")["data"];
    EXPECT_EQ(data["count"], 1);
    EXPECT_THAT(data.dump(), HasSubstr("Today's news"));
    EXPECT_THAT(data.dump(), Not(HasSubstr("Yesterday's news")));
    EXPECT_EQ(lastMail(alice, "digest")["tenant_id"], t.id) << "one community: its own mail";
}

TEST_F(DigestTest, TypesSetToImmediateOrOffAndAllOffStayOut) {
    auto& s = server();
    auto t = s.createTenant("dig4");
    auto alice = s.createUser(t), bob = s.createUser(t);
    choose(t, alice, {{"ability", "off"}, {"flag", "immediate"}});
    choose(t, bob, {{"all", "off"}});
    note(t, alice, "ability.granted", "off for alice");
    note(t, alice, "flag.helpful", "immediate for alice");
    note(t, bob, "ability.granted", "bob wants no mail");
    runDigests(s.app());
    EXPECT_EQ(queued(alice, "digest"), 0);
    EXPECT_EQ(queued(bob, "digest"), 0);
}

TEST_F(DigestTest, AStagingCopyAddsNothingToTheDigest) {
    auto& s = server();
    auto t = s.createTenant("dig5");
    auto alice = s.createUser(t);
    note(t, alice, "ability.granted", "Listed once, from the live community");
    auto staged =
        Stager(s.app().ownerPool(), s.app().config().migration_database_url).stage(t.slug);
    ASSERT_FALSE(staged.hosts.empty());
    ASSERT_TRUE(TestServer::waitFor(
        [&] { return s.app().directory().byHost(staged.hosts.front()) != nullptr; }, 5000));
    ASSERT_EQ(
        s.scalar("SELECT count(*) FROM " + staged.schema + ".notifications WHERE member_id = $1",
                 alice.id),
        1)
        << "the copy holds alice's notification too";

    runDigests(s.app());
    ASSERT_EQ(queued(alice, "digest"), 1);
    auto m = lastMail(alice, "digest");
    EXPECT_EQ(m["data"]["count"], 1);
    EXPECT_EQ(m["data"]["communities"].size(), 1u);
    EXPECT_EQ(m["tenant_id"], t.id);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE tenant_id = $1", staged.id),
              0);
}

}  // namespace

}  // namespace agora::test
