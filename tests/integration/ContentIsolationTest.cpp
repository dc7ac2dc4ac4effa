// Content is per tenant: an id from another community is 404 on this community's host for
// every endpoint that takes one, for readers and writers alike, and no answer ever carries the
// other community's data. Post ids are numbered per tenant, so the same number on two hosts
// names two different posts.
#include <gmock/gmock.h>

#include "ContentTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ContentIsolationTest : public ContentTest {};

struct Call {
    std::string method;
    std::string path;
    json body;  // null: no body
};

HttpResult send(HttpClient& c, const Call& call) {
    if (call.method == "GET")
        return c.get(call.path);
    if (call.method == "DELETE")
        return c.del(call.path);
    if (call.method == "PATCH")
        return c.patch(call.path, call.body);
    return c.post(call.path, call.body);
}

TEST_F(ContentIsolationTest, EveryEndpointTakingAnIdIs404ForAnotherTenantsContent) {
    auto& s = server();
    auto a = roomyTenant("iso-a");
    auto b = roomyTenant("iso-b");
    const std::string marker = "secret" + TestServer::uniqueSuffix();
    auto author_a = s.createUser(a);
    auto voter_a = s.createUser(a);
    auto api_a = s.apiClient(a, author_a);
    auto voter_api_a = s.apiClient(a, voter_a);
    int64_t qa = ask(api_a, "Only tenant A may read " + marker,
                     "This body belongs to tenant A alone: " + marker, {"tag-" + marker})["id"]
                     .get<int64_t>();
    int64_t aa = answer(voter_api_a, qa, "An answer that only tenant A may read: " + marker)["id"]
                     .get<int64_t>();
    comment(voter_api_a, qa, "A comment for tenant A only " + marker);
    vote(voter_api_a, qa, 1);
    // A post in every state an endpoint might treat differently: closed, locked, deleted.
    auto mod_a = s.apiClient(a, s.createUser(a, "moderator"));
    int64_t closed_a = askId(api_a, "closed " + marker);
    int64_t deleted_a = answerId(api_a, closed_a, "deleted " + marker);
    act(api_a, deleted_a, "delete");
    act(mod_a, closed_a, "close", {{"reason", "duplicate"}});
    act(mod_a, closed_a, "lock");

    // Tenant B has members (a moderator passes every permission check, so a 404 can only mean
    // "not here") and no posts at all: none of A's ids exist on B.
    auto mod_b_user = s.createUser(b, "moderator");
    auto member_b_user = s.createUser(b);
    auto mod_b = s.apiClient(b, mod_b_user);
    auto member_b = s.apiClient(b, member_b_user);
    ASSERT_EQ(scalarIn(b, "SELECT count(*) FROM {s}.posts"), 0);

    const json answer_body = {{"body", "An answer posted from tenant B, should go nowhere."}};
    const json edit = {{"body", "Edited from tenant B, which must not reach A's post."},
                       {"title", "Edited from tenant B, should go nowhere"}};
    std::vector<Call> reads, writes;
    for (int64_t id : {qa, aa, closed_a, deleted_a}) {
        const std::string post = path("/api/v1/posts/", id);
        reads.push_back({"GET", path("/api/v1/questions/", id), nullptr});
        reads.push_back({"GET", post, nullptr});
        reads.push_back({"GET", post + "/history", nullptr});
        reads.push_back({"GET", path("/questions/", id), nullptr});
        reads.push_back({"GET", path("/posts/", id, "/history"), nullptr});
        writes.push_back({"GET", path("/posts/", id, "/edit"), nullptr});
        writes.push_back({"POST", path("/api/v1/questions/", id, "/answers"), answer_body});
        writes.push_back({"PATCH", post, edit});
        writes.push_back({"POST", post + "/vote", {{"value", 1}}});
        writes.push_back({"POST", post + "/vote", {{"value", -1}}});
        writes.push_back({"DELETE", post + "/vote", nullptr});
        writes.push_back({"POST", post + "/comments", {{"body", "A comment from tenant B here."}}});
        writes.push_back({"POST", post + "/close", {{"reason", "duplicate"}}});
        for (const char* action : {"reopen", "delete", "undelete", "lock", "unlock"})
            writes.push_back({"POST", post + "/" + action, json::object()});
    }
    for (const auto& u : {author_a, voter_a}) {
        reads.push_back({"GET", path("/api/v1/users/", u.id), nullptr});
        reads.push_back({"GET", path("/api/v1/users/", u.id, "/posts"), nullptr});
        reads.push_back({"GET", path("/users/", u.id), nullptr});
    }

    auto a_before = state(a);
    auto b_before = state(b);
    auto anonymous_b = s.client(b);
    auto check = [&](HttpClient& c, const Call& call, const char* who) {
        auto r = send(c, call);
        EXPECT_EQ(r.status, 404) << who << " " << call.method << " " << call.path << ": " << r;
        if (call.path.rfind("/api/", 0) == 0) {
            EXPECT_EQ(r.errorCode(), "not_found") << who << " " << call.method << " " << call.path;
        }
        EXPECT_THAT(r.body, Not(HasSubstr(marker)))
            << who << " " << call.method << " " << call.path;
        EXPECT_THAT(r.body, Not(HasSubstr(author_a.username)))
            << who << " " << call.method << " " << call.path;
    };
    for (const auto& call : reads) {
        check(mod_b, call, "B moderator");
        check(member_b, call, "B member");
        check(anonymous_b, call, "anonymous on B");
    }
    for (const auto& call : writes) {
        check(mod_b, call, "B moderator");
        check(member_b, call, "B member");
    }
    // A's own credentials replayed on B's host are no key to A's content either.
    auto replayed = api_a.onHost(b.host);
    for (const auto& call : {reads.front(), writes[2], writes[3]}) {
        auto r = send(replayed, call);
        EXPECT_EQ(r.status, 401) << "A's token on B: " << call.method << " " << call.path << ": "
                                 << r;
        EXPECT_THAT(r.body, Not(HasSubstr(marker)));
    }
    EXPECT_EQ(state(a), a_before) << "nothing sent to B reached A";
    EXPECT_EQ(state(b), b_before) << "and nothing was written on B either";

    // B's lists and pages don't show A's content.
    for (const char* page : {"/api/v1/questions", "/api/v1/questions?tag=tag-", "/api/v1/tags", "/",
                             "/tags", "/?sort=newest"}) {
        std::string p = page;
        if (p.back() == '-')
            p += marker;
        auto r = mod_b.get(p);
        EXPECT_EQ(r.status, 200) << p << ": " << r;
        EXPECT_THAT(r.body, Not(HasSubstr(marker))) << p;
    }
    auto tagged = mod_b.get("/api/v1/questions?tag=tag-" + marker).json();
    EXPECT_EQ(tagged["total"], 0);

    // And A still serves all of it to its own readers.
    auto on_a = s.client(a).get(path("/api/v1/questions/", qa));
    ASSERT_EQ(on_a.status, 200) << on_a;
    EXPECT_THAT(on_a.body, HasSubstr(marker));
}

TEST_F(ContentIsolationTest, TheSamePostIdOnTwoTenantsNamesTwoDifferentPosts) {
    auto& s = server();
    auto a = roomyTenant("same-a");
    auto b = roomyTenant("same-b");
    // One account, member of both: ids of accounts are network-wide, posts are per tenant.
    auto both = s.createUser(a);
    auto api_a = s.apiClient(a, both);
    auto api_b = s.apiClient(b, both);
    auto voter_b = s.apiClient(b, s.createUser(b));
    int64_t qa =
        ask(api_a, "A question asked on tenant A", body("ask on a"), {"on-a"})["id"].get<int64_t>();
    int64_t qb =
        ask(api_b, "A question asked on tenant B", body("ask on b"), {"on-b"})["id"].get<int64_t>();
    ASSERT_EQ(qa, qb) << "each tenant numbers its own posts";

    auto on_a = s.client(a).get(path("/api/v1/questions/", qa)).json();
    auto on_b = s.client(b).get(path("/api/v1/questions/", qb)).json();
    EXPECT_EQ(on_a["title"], "A question asked on tenant A");
    EXPECT_EQ(on_b["title"], "A question asked on tenant B");
    EXPECT_THAT(on_b["tags"], ::testing::ElementsAre("on-b"));

    // A vote, a comment and an answer on B's post change B's post only.
    auto a_before = state(a);
    vote(voter_b, qb, 1);
    comment(voter_b, qb, "A comment on tenant B's question.");
    answer(voter_b, qb, body("answer on b"));
    ASSERT_EQ(api_b.patch(path("/api/v1/posts/", qb), {{"body", body("edited on b")}}).status, 200);
    EXPECT_EQ(state(a), a_before);
    EXPECT_EQ(postVotes(b, qb), "score 1 up 1 down 0");
    EXPECT_EQ(postVotes(a, qa), "score 0 up 0 down 0");
    EXPECT_EQ(s.client(a).get(path("/api/v1/posts/", qa)).json()["body"], body("ask on a"));

    // The member's profile is per tenant too.
    auto profile_a = s.client(a).get(path("/api/v1/users/", both.id)).json();
    auto profile_b = s.client(b).get(path("/api/v1/users/", both.id)).json();
    EXPECT_EQ(profile_a["score"], 0);
    EXPECT_EQ(profile_b["score"], 1);
    EXPECT_EQ(profile_b["good_posts"], 1);
    EXPECT_EQ(profile_a["good_posts"], 0);
}

}  // namespace

}  // namespace agora::test
