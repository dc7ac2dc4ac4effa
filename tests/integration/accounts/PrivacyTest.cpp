// Export and deletion (SPEC §5.1), and the communities page: everything the network holds about
// an account and nothing of anyone else's; after deletion login fails, personal data is gone
// on every community, posts stay as a deleted member's and scores don't move.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PrivacyTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        one_ = roomyTenant("priv");
        two_ = roomyTenant("priv2");
    }
    void notify(const TestTenant& t, int64_t member, const std::string& text) {
        auto lease = server().db();
        lease->q("INSERT INTO " + t.schema +
                     ".notifications (member_id, kind, text) VALUES ($1, 'test', $2)",
                 member, text);
    }
    TestTenant one_, two_;
};

TEST_F(PrivacyTest, ExportHoldsTheAccountsDataAndNobodyElses) {
    auto& s = server();
    auto u = s.createUser(one_);
    join(two_, u);
    auto other = s.createUser(one_);
    auto api1 = s.apiClient(one_, u);
    auto api2 = s.apiClient(two_, u);
    auto other_api = s.apiClient(one_, other);

    int64_t q1 = askId(api1, "export my sourdough starter");
    int64_t theirs = askId(other_api, "hide their secret recipe");
    comment(api1, theirs, "A comment of mine on their question");
    vote(api1, theirs, 1);
    askId(api2, "export my second community post");
    comment(other_api, q1, "Their comment that is not mine");
    notify(one_, u.id, "a notification for me");
    notify(one_, other.id, "a notification for them");

    {
        auto lease = s.db();
        lease->q(
            "INSERT INTO network.notification_prefs (account_id, type, mode) "
            "VALUES ($1, 'answer', 'digest')",
            u.id);
    }
    auto r = api1.get("/api/v1/me/export");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_THAT(r.header("Content-Disposition"), HasSubstr("attachment"));
    auto data = r.json();
    EXPECT_EQ(data["account"]["email"], u.email);
    EXPECT_EQ(data["memberships"].size(), 2u);
    ASSERT_EQ(data["notification_mail"]["preferences"].size(), 1u);
    EXPECT_EQ(data["notification_mail"]["preferences"][0]["mode"], "digest");
    EXPECT_GE(data["sessions"].size(), 2u);
    ASSERT_EQ(data["communities"].size(), 2u);
    std::string text = r.body;
    EXPECT_THAT(text, HasSubstr("export my sourdough starter"));
    EXPECT_THAT(text, HasSubstr("export my second community post"));
    EXPECT_THAT(text, HasSubstr("A comment of mine on their question"));
    EXPECT_THAT(text, HasSubstr("a notification for me"));
    json one =
        data["communities"][0]["id"] == one_.id ? data["communities"][0] : data["communities"][1];
    ASSERT_EQ(one["votes"].size(), 1u);
    EXPECT_EQ(one["votes"][0]["post_id"], theirs);
    EXPECT_EQ(one["revisions"].size(), 1u);

    EXPECT_THAT(text, Not(HasSubstr(other.email)));
    EXPECT_THAT(text, Not(HasSubstr("hide their secret recipe")));
    EXPECT_THAT(text, Not(HasSubstr("Their comment that is not mine")));
    EXPECT_THAT(text, Not(HasSubstr("a notification for them")));
    EXPECT_THAT(text, Not(HasSubstr("password_hash")));
    EXPECT_THAT(text, Not(HasSubstr("token_hash")));
    EXPECT_THAT(text, Not(HasSubstr(api1.token())));
    EXPECT_EQ(s.client(one_).get("/api/v1/me/export").status, 401);
}

TEST_F(PrivacyTest, DeletedAccountIsGoneEverywhereAndItsPostsStay) {
    auto& s = server();
    auto u = s.createUser(one_);
    join(two_, u);
    auto other = s.createUser(one_);
    auto api1 = s.apiClient(one_, u);
    auto api2 = s.apiClient(two_, u);
    auto other_api = s.apiClient(one_, other);
    int64_t mine = askId(api1, "delete me but keep this question");
    int64_t mine_two = askId(api2, "keep this one in the second community");
    int64_t theirs = askId(other_api, "score this question kindly");
    vote(api1, theirs, 1);
    vote(other_api, mine, 1);
    comment(api1, theirs, "My comment stays after I am gone");
    notify(one_, u.id, "personal notification");
    ASSERT_EQ(api1.post("/api/v1/me/email-verification").status, 202);

    auto wrong = sendJson(api1, "DELETE", "/api/v1/me", {{"password", "not my password"}});
    EXPECT_EQ(wrong.status, 422) << wrong;
    EXPECT_EQ(wrong.errorField(), "password");
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE id = $1", u.id), 1);

    auto r = sendJson(api1, "DELETE", "/api/v1/me", {{"password", u.password}});
    ASSERT_EQ(r.status, 200) << r;

    EXPECT_EQ(s.client(one_)
                  .post("/api/v1/session", {{"login", u.username}, {"password", u.password}})
                  .status,
              401);
    EXPECT_EQ(s.client(one_)
                  .post("/api/v1/session", {{"login", u.email}, {"password", u.password}})
                  .status,
              401);
    EXPECT_EQ(api2.get("/api/v1/me").status, 401);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE id = $1", u.id), 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.sessions WHERE account_id = $1", u.id), 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.account_tokens WHERE account_id = $1", u.id),
              0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE account_id = $1 OR "
                       "to_address = $2",
                       u.id, u.email),
              0);
    for (const auto& t : {one_, two_}) {
        EXPECT_EQ(s.text("SELECT display_name FROM " + t.schema + ".members WHERE id = $1", u.id),
                  "deleted member");
        EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                               ".members WHERE id = $1 AND "
                               "(username = $2 OR display_name = $2)",
                           u.id, u.username),
                  0);
        EXPECT_EQ(
            s.scalar("SELECT count(*) FROM " + t.schema + ".votes WHERE member_id = $1", u.id), 0);
        EXPECT_EQ(
            s.scalar("SELECT count(*) FROM " + t.schema + ".notifications WHERE member_id = $1",
                     u.id),
            0);
    }
    auto q = s.client(one_).get("/api/v1/questions/" + std::to_string(mine));
    ASSERT_EQ(q.status, 200) << q;
    EXPECT_THAT(q.body, HasSubstr("deleted member"));
    EXPECT_THAT(q.body, Not(HasSubstr(u.username)));
    EXPECT_EQ(q.json()["score"], 1) << "votes others cast on it stay";
    EXPECT_EQ(s.client(two_).get("/api/v1/questions/" + std::to_string(mine_two)).status, 200);
    auto t = s.client(one_).get("/api/v1/questions/" + std::to_string(theirs));
    EXPECT_EQ(t.json()["score"], 1) << "its vote's identity is gone, the score is not";
    EXPECT_THAT(t.body, HasSubstr("My comment stays after I am gone"));
    auto profile = s.client(one_).get("/users/" + std::to_string(u.id));
    EXPECT_EQ(profile.status, 200);
    EXPECT_THAT(profile.body, Not(HasSubstr(u.username)));

    auto audit = s.text(
        "SELECT concat_ws('|', coalesce(account_id::text, 'none'), action, target, "
        "coalesce(old_value::text, ''), coalesce(new_value::text, '')) FROM network.audit_log "
        "WHERE action = 'account.deleted' AND target = $1",
        "account:" + std::to_string(u.id));
    EXPECT_EQ(audit, "none|account.deleted|account:" + std::to_string(u.id) + "||");
    // The username and address are free again.
    auto again = s.client(one_).post(
        "/api/v1/users", {{"username", u.username}, {"email", u.email}, {"password", u.password}});
    EXPECT_EQ(again.status, 201) << again;
}

TEST_F(PrivacyTest, NetworkPageListsTheAccountsCommunities) {
    auto& s = server();
    auto u = s.createUser(one_, "moderator");
    join(two_, u);
    auto stranger_tenant = s.createTenant("priv3");
    notify(one_, u.id, "unread one");
    notify(one_, u.id, "unread two");
    auto api = s.apiClient(two_, u);
    auto r = api.get("/api/v1/network/me");
    ASSERT_EQ(r.status, 200) << r;
    auto items = r.json()["items"];
    ASSERT_EQ(items.size(), 2u) << r;
    for (const auto& it : items) {
        bool first = it["id"] == one_.id;
        EXPECT_EQ(it["host"], first ? one_.host : two_.host);
        EXPECT_EQ(it["role"], first ? "moderator" : "member");
        EXPECT_EQ(it["unread_notifications"], first ? 2 : 0);
        EXPECT_EQ(it["url"], "https://" + (first ? one_.host : two_.host));
    }
    EXPECT_THAT(r.body, Not(HasSubstr(stranger_tenant.slug)));
    EXPECT_EQ(s.client(two_).get("/api/v1/network/me").status, 401);
    auto page = s.browserClient(two_, u).get("/network/me");
    EXPECT_EQ(page.status, 200);
    EXPECT_THAT(page.body, HasSubstr(one_.name));
}

}  // namespace

}  // namespace agora::test
