// Immediate notification mail: an answer to my question, a comment on my post, a plugin's
// notify_member — each queues exactly one mail in the writing transaction when the type is set
// to "immediate", none when it is "digest" or "off" or all mail is off, none to oneself, and
// none ever from a staging copy.
#include "NotificationMailSupport.h"
#include "accounts/TenantSession.h"
#include "migrate/Stager.h"
#include "notifications/NotificationService.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ImmediateMailTest : public NotificationMailTest {};

TEST_F(ImmediateMailTest, AnAnswerToMyQuestionQueuesExactlyOneMail) {
    auto& s = server();
    auto t = roomyTenant("nans");
    auto alice = s.createUser(t), bob = s.createUser(t);
    auto a = s.apiClient(t, alice), b = s.apiClient(t, bob);
    int64_t q = askId(a, "proof sourdough overnight");

    int64_t answer = answerId(b, q, "proof it in the fridge");
    EXPECT_EQ(queued(alice), 1);
    EXPECT_EQ(queued(bob), 0);
    auto m = lastMail(alice);
    EXPECT_EQ(m["to"], alice.email);
    EXPECT_EQ(m["kind"], "notification");
    EXPECT_EQ(m["tenant_id"], t.id);
    EXPECT_EQ(m["data"]["type"], "answer");
    EXPECT_EQ(m["data"]["link"], path("/questions/", q, "#post-" + std::to_string(answer)));
    EXPECT_THAT(m["data"]["text"].get<std::string>(), HasSubstr("answered your question"));
    EXPECT_THAT(m["unsubscribe_url"].get<std::string>(),
                StartsWith("https://" + t.host + "/unsubscribe/"));
    EXPECT_EQ(scalarIn(t,
                       "SELECT count(*) FROM {s}.notifications WHERE member_id = $1 AND "
                       "kind = 'post.answered'",
                       alice.id),
              1);

    // My own answer to my own question tells nobody.
    answerId(a, q, "answer my own question for the record");
    EXPECT_EQ(queued(alice), 1);
}

TEST_F(ImmediateMailTest, DigestOffAndAllOffQueueNoMailButTheInboxStillGetsIt) {
    auto& s = server();
    auto t = roomyTenant("noff");
    auto alice = s.createUser(t), bob = s.createUser(t);
    auto a = s.apiClient(t, alice), b = s.apiClient(t, bob);
    int64_t q = askId(a, "keep basil fresh longer");

    choose(t, alice, {{"answer", "digest"}});
    answerId(b, q, "keep it in a glass of water");
    choose(t, alice, {{"answer", "off"}});
    answerId(b, q, "freeze it in olive oil cubes");
    choose(t, alice, {{"answer", "immediate"}, {"all", "off"}});
    answerId(b, q, "grow it on the windowsill instead");
    EXPECT_EQ(queued(alice), 0);
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.notifications WHERE member_id = $1", alice.id),
              3);

    choose(t, alice, {{"all", "on"}});
    answerId(b, q, "dry it in a low oven for winter");
    EXPECT_EQ(queued(alice), 1);
}

TEST_F(ImmediateMailTest, ACommentOnMyPostQueuesOneMail) {
    auto& s = server();
    auto t = roomyTenant("ncom");
    auto alice = s.createUser(t), bob = s.createUser(t);
    auto a = s.apiClient(t, alice), b = s.apiClient(t, bob);
    int64_t q = askId(b, "stop rice sticking to the pot");
    int64_t mine = answerId(a, q, "rinse it until the water runs clear");
    EXPECT_EQ(queued(bob), 1) << "bob's question got an answer";

    auto c = comment(b, mine, "Does that work for risotto rice too?");
    EXPECT_EQ(queued(alice), 1);
    auto m = lastMail(alice);
    EXPECT_EQ(m["data"]["type"], "comment");
    EXPECT_EQ(m["data"]["link"],
              path("/questions/", q, "#comment-" + std::to_string(c["id"].get<int64_t>())));
    comment(a, mine, "For risotto, don't rinse: you want the starch.");
    EXPECT_EQ(queued(alice), 1) << "no mail about my own comment";
}

TEST_F(ImmediateMailTest, ManyAtOnceDecidesPerRecipient) {
    auto& s = server();
    auto t = s.createTenant("nmany");
    auto alice = s.createUser(t), bob = s.createUser(t), carol = s.createUser(t);
    choose(t, bob, {{"mod_message", "off"}});
    choose(t, carol, {{"flag", "immediate"}});
    auto tenant = s.app().directory().byId(t.id);
    ASSERT_TRUE(tenant);
    {
        TenantSession session(s.app().pool(), s.app().settings(), tenant);
        db::Transaction tx(session.db());
        NotificationService::addMany(
            session.db(), {*tenant, s.app().config().public_url},
            json::array({{{"member_id", alice.id}, {"kind", "mod_message"}, {"text", "hi alice"}},
                         {{"member_id", bob.id}, {"kind", "mod_message"}, {"text", "hi bob"}},
                         {{"member_id", carol.id},
                          {"kind", "flag.helpful"},
                          {"text", "your flag helped"},
                          {"link", "/questions/1"}},
                         {{"member_id", alice.id}, {"kind", "ability.granted"}, {"text", "x"}}}));
        tx.commit();
    }
    EXPECT_EQ(queued(alice), 1) << "mod message immediate by default; ability is digest";
    EXPECT_EQ(lastMail(alice)["data"]["text"], "hi alice");
    EXPECT_EQ(queued(bob), 0) << "bob turned moderator messages off";
    EXPECT_EQ(queued(carol), 1);
    EXPECT_EQ(lastMail(carol)["data"]["type"], "flag");
}

TEST_F(ImmediateMailTest, AStagingCopyMailsNoOne) {
    auto& s = server();
    auto t = roomyTenant("nstg");
    auto admin = s.createUser(t, "admin");
    auto alice = s.createUser(t);
    choose(t, alice, {{"ability", "immediate"}});
    auto a = s.apiClient(t, alice);
    int64_t q = askId(a, "sharpen a serrated knife");
    auto staged =
        Stager(s.app().ownerPool(), s.app().config().migration_database_url).stage(t.slug);
    ASSERT_FALSE(staged.hosts.empty());
    const std::string host = staged.hosts.front();
    ASSERT_TRUE(
        TestServer::waitFor([&] { return s.app().directory().byHost(host) != nullptr; }, 5000));

    auto login = s.client(host).post("/api/v1/session",
                                     {{"login", admin.username}, {"password", admin.password}});
    ASSERT_EQ(login.status, 200) << login;
    auto on_staging = s.client(host).asUser(login.json()["token"].get<std::string>());
    auto r = on_staging.post(path("/api/v1/questions/", q, "/answers"),
                             {{"body", body("use a ceramic rod on each scallop")}});
    ASSERT_EQ(r.status, 201) << r;
    EXPECT_EQ(
        s.scalar("SELECT count(*) FROM " + staged.schema + ".notifications WHERE member_id = $1",
                 alice.id),
        0);

    // Whatever a caller does on a staging tenant, no mail leaves it.
    auto tenant = s.app().directory().byHost(host);
    {
        TenantSession session(s.app().pool(), s.app().settings(), tenant);
        db::Transaction tx(session.db());
        NotificationService::add(session.db(), {*tenant, s.app().config().public_url}, alice.id,
                                 "ability.granted", "copied", "/");
        tx.commit();
    }
    EXPECT_EQ(queued(alice), 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE tenant_id = $1", staged.id),
              0);
}

}  // namespace

}  // namespace agora::test
