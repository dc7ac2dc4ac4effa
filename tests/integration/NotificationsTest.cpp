// A member's inbox: the API, the page, the header count, marking read — and that nobody reads
// or marks anyone else's, on this tenant or another.
#include <gmock/gmock.h>

#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class NotificationsTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("inbox");
        alice_ = server().createUser(tenant_);
        bob_ = server().createUser(tenant_);
    }

    // Written as notify_member writes them (plugins go through the host; the table is core's).
    int64_t notify(const TestTenant& t, const TestUser& u, const std::string& text,
                   const std::string& link = "/") {
        return server().scalar("WITH n AS (INSERT INTO " + t.schema +
                                   ".notifications (member_id, kind, text, link) "
                                   "VALUES ($1, 'test', $2, $3) RETURNING id) SELECT id FROM n",
                               u.id, text, link);
    }
    int64_t unread(const TestTenant& t, const TestUser& u) {
        return server().scalar("SELECT count(*) FROM " + t.schema +
                                   ".notifications WHERE member_id = $1 AND read_at IS NULL",
                               u.id);
    }

    TestTenant tenant_;
    TestUser alice_, bob_;
};

TEST_F(NotificationsTest, ListsOnlyTheViewersOwnNewestFirst) {
    auto& s = server();
    int64_t first = notify(tenant_, alice_, "Your flag was marked helpful");
    int64_t second = notify(tenant_, alice_, "You can now edit posts", "/users/1/abilities");
    notify(tenant_, bob_, "Bob's private news");

    auto api = s.apiClient(tenant_, alice_);
    auto r = api.get("/api/v1/notifications");
    ASSERT_EQ(r.status, 200) << r;
    auto j = r.json();
    ASSERT_EQ(j["total"], 2);
    EXPECT_EQ(j["unread"], 2);
    EXPECT_EQ(j["items"][0]["id"], second);
    EXPECT_EQ(j["items"][0]["link"], "/users/1/abilities");
    EXPECT_EQ(j["items"][0]["read"], false);
    EXPECT_EQ(j["items"][1]["id"], first);
    EXPECT_THAT(r.body, Not(HasSubstr("Bob's private news")));
    EXPECT_EQ(j["page"], 1);
    EXPECT_EQ(j["per_page"], 30);

    auto paged = api.get("/api/v1/notifications?per_page=1&page=2");
    ASSERT_EQ(paged.status, 200) << paged;
    EXPECT_EQ(paged.json()["items"].size(), 1u);
    EXPECT_EQ(paged.json()["items"][0]["id"], first);
    EXPECT_EQ(paged.json()["total"], 2);
}

TEST_F(NotificationsTest, AnonymousAndBadQueriesAreRefused) {
    auto& s = server();
    notify(tenant_, alice_, "hello");
    EXPECT_EQ(s.client(tenant_).get("/api/v1/notifications").status, 401);
    auto anon_read = s.client(tenant_).post("/api/v1/notifications/read", json::object());
    EXPECT_EQ(anon_read.status, 401) << anon_read;
    auto api = s.apiClient(tenant_, alice_);
    auto r = api.get("/api/v1/notifications?per_page=101");
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_EQ(r.errorField(), "per_page");
    auto u = api.get("/api/v1/notifications?unread=maybe");
    EXPECT_EQ(u.status, 422) << u;
    EXPECT_EQ(u.errorField(), "unread");
    auto bad = api.post("/api/v1/notifications/read", {{"ids", "all"}});
    EXPECT_EQ(bad.status, 422) << bad;
    EXPECT_EQ(bad.errorField(), "ids");
    EXPECT_EQ(unread(tenant_, alice_), 1) << "a refused request marks nothing";
}

TEST_F(NotificationsTest, MarkingReadTouchesOnlyTheViewersOwn) {
    auto& s = server();
    int64_t a1 = notify(tenant_, alice_, "one");
    int64_t a2 = notify(tenant_, alice_, "two");
    int64_t b1 = notify(tenant_, bob_, "bob's");
    auto api = s.apiClient(tenant_, alice_);

    // Bob's id in Alice's request is ignored, not marked.
    auto r = api.post("/api/v1/notifications/read", {{"ids", {a1, b1}}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["marked"], 1);
    EXPECT_EQ(r.json()["unread"], 1);
    EXPECT_EQ(unread(tenant_, bob_), 1);

    auto only_unread = api.get("/api/v1/notifications?unread=1");
    ASSERT_EQ(only_unread.json()["total"], 1);
    EXPECT_EQ(only_unread.json()["items"][0]["id"], a2);

    auto all = api.post("/api/v1/notifications/read", json::object());
    ASSERT_EQ(all.status, 200) << all;
    EXPECT_EQ(all.json()["marked"], 1);
    EXPECT_EQ(unread(tenant_, alice_), 0);
    EXPECT_EQ(unread(tenant_, bob_), 1) << "mark-all is the viewer's all";
}

TEST_F(NotificationsTest, HeaderShowsTheUnreadCountAndThePageListsThem) {
    auto& s = server();
    notify(tenant_, alice_, "<script>alert(1)</script> was escaped", "/questions/1");
    notify(tenant_, alice_, "second");
    auto web = s.browserClient(tenant_, alice_);
    auto home = web.get("/");
    ASSERT_EQ(home.status, 200) << home;
    EXPECT_THAT(home.body, HasSubstr("aria-label=\"2 unread\""));

    auto page = web.get("/notifications");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; was escaped"));
    EXPECT_THAT(page.body, Not(HasSubstr("<script>alert(1)")));

    // The form needs its CSRF token; without it nothing is marked.
    auto refused = web.postForm("/notifications/read", {});
    EXPECT_EQ(refused.status, 403) << refused;
    EXPECT_EQ(unread(tenant_, alice_), 2);

    auto csrf = web.fetchCsrf("/notifications");
    auto marked = web.postForm("/notifications/read", {{"_csrf", csrf}});
    EXPECT_EQ(marked.status, 303) << marked;
    EXPECT_EQ(unread(tenant_, alice_), 0);
    auto after = web.get("/");
    ASSERT_EQ(after.status, 200) << after;
    EXPECT_THAT(after.body, HasSubstr("href=\"/notifications\" class=\"inbox\">Inbox</a>"))
        << "the inbox link is there, without a count";
    EXPECT_THAT(after.body, Not(HasSubstr("unread\"")));

    // Anonymous visitors are sent to log in.
    auto anon = s.client(tenant_).get("/notifications");
    EXPECT_EQ(anon.status, 303) << anon;
    EXPECT_THAT(anon.header("location"), HasSubstr("/login"));
}

TEST_F(NotificationsTest, OpeningFollowsTheLinkAndMarksItRead) {
    auto& s = server();
    int64_t mine = notify(tenant_, alice_, "answer on your question", "/questions/42");
    int64_t theirs = notify(tenant_, bob_, "bob's", "/questions/43");
    auto web = s.browserClient(tenant_, alice_);
    auto r = web.get("/notifications/" + std::to_string(mine));
    EXPECT_EQ(r.status, 303) << r;
    EXPECT_EQ(r.header("location"), "/questions/42");
    EXPECT_EQ(unread(tenant_, alice_), 0);

    auto other = web.get("/notifications/" + std::to_string(theirs));
    EXPECT_EQ(other.status, 404) << other;
    EXPECT_EQ(unread(tenant_, bob_), 1) << "someone else's notification stays unread";
}

TEST_F(NotificationsTest, AnotherTenantsNotificationsAreNotReachable) {
    auto& s = server();
    auto other = s.createTenant("inbox-b");
    // The same account is a member of both communities (logging in there makes it one).
    s.login(other, alice_);
    // Ids are per community: make the other one's ids ones that don't exist here, so a
    // match could only come from reading across tenants.
    notify(other, alice_, "older news from the other community");
    notify(other, alice_, "more older news from the other community");
    int64_t there = notify(other, alice_, "news from the other community", "/questions/9");
    int64_t here_id = notify(tenant_, alice_, "news from here");
    ASSERT_LT(here_id, there);

    auto here = s.apiClient(tenant_, alice_);
    auto list = here.get("/api/v1/notifications");
    ASSERT_EQ(list.status, 200) << list;
    EXPECT_EQ(list.json()["total"], 1);
    EXPECT_THAT(list.body, Not(HasSubstr("other community")));

    auto mark = here.post("/api/v1/notifications/read", {{"ids", {there}}});
    ASSERT_EQ(mark.status, 200) << mark;
    EXPECT_EQ(mark.json()["marked"], 0);
    EXPECT_EQ(unread(other, alice_), 3);

    auto web = s.browserClient(tenant_, alice_);
    EXPECT_EQ(web.get("/notifications/" + std::to_string(there)).status, 404);
    EXPECT_EQ(unread(other, alice_), 3);
}

}  // namespace

}  // namespace agora::test
