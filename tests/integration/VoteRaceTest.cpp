// Votes arriving at the same moment: identical requests (a double click, a retried request)
// leave one vote, and different members' votes are all counted, with the post's totals and the
// author's counters matching the vote rows exactly.
#include <gmock/gmock.h>

#include <functional>
#include <latch>
#include <thread>

#include "ContentTestSupport.h"

namespace agora::test {

namespace {

using ::testing::Each;
using ::testing::Eq;

class VoteRaceTest : public ContentTest {
protected:
    // Runs every call on its own thread (each HttpClient copy opens its own connection), all
    // released at once; returns the statuses, -1 where the client itself failed.
    static std::vector<int> together(const std::vector<std::function<HttpResult()>>& calls,
                                     std::vector<HttpResult>* results = nullptr) {
        std::vector<HttpResult> out(calls.size());
        std::latch start(static_cast<std::ptrdiff_t>(calls.size()));
        std::vector<std::thread> threads;
        for (size_t i = 0; i < calls.size(); ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                try {
                    out[i] = calls[i]();
                } catch (const std::exception& e) {
                    out[i].status = -1;
                    out[i].body = e.what();
                }
            });
        for (auto& th : threads)
            th.join();
        std::vector<int> statuses;
        for (const auto& r : out)
            statuses.push_back(r.status);
        if (results)
            *results = std::move(out);
        return statuses;
    }

    static std::function<HttpResult()> upvote(const HttpClient& c, int64_t post, int value = 1) {
        return [client = c, post, value]() mutable {
            return client.post("/api/v1/posts/" + std::to_string(post) + "/vote",
                               {{"value", value}});
        };
    }
    static std::function<HttpResult()> unvote(const HttpClient& c, int64_t post) {
        return [client = c, post]() mutable {
            return client.del("/api/v1/posts/" + std::to_string(post) + "/vote");
        };
    }
};

TEST_F(VoteRaceTest, TwentyIdenticalUpvotesAtOnceLeaveOneVote) {
    auto& s = server();
    auto t = roomyTenant("race1");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto voter = s.apiClient(t, s.createUser(t));
    int64_t q = askId(author, "race one vote");

    std::vector<std::function<HttpResult()>> calls(20, upvote(voter, q));
    std::vector<HttpResult> results;
    EXPECT_THAT(together(calls, &results), Each(Eq(200)));
    for (const auto& r : results)
        if (r.status == 200) {
            EXPECT_EQ(r.json()["score"], 1) << r;
            EXPECT_EQ(r.json()["my_vote"], 1) << r;
        }
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.votes WHERE post_id = $1", q), 1);
    EXPECT_EQ(postVotes(t, q), "score 1 up 1 down 0");
    EXPECT_EQ(voteCounters(t, author_user.id), "good 1 bad 0 score 1");
    EXPECT_EQ(s.client(t).get(path("/api/v1/posts/", q)).json()["score"], 1);
}

TEST_F(VoteRaceTest, TwoMembersVotingAtOnceAreBothCounted) {
    auto& s = server();
    auto t = roomyTenant("race2");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto first = s.apiClient(t, s.createUser(t));
    auto second = s.apiClient(t, s.createUser(t));
    int64_t q = askId(author, "race two votes");

    // Each member's vote sent ten times, interleaved: twenty requests, two votes.
    std::vector<std::function<HttpResult()>> calls;
    for (int i = 0; i < 10; ++i) {
        calls.push_back(upvote(first, q));
        calls.push_back(upvote(second, q));
    }
    EXPECT_THAT(together(calls), Each(Eq(200)));
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.votes WHERE post_id = $1", q), 2);
    EXPECT_EQ(postVotes(t, q), "score 2 up 2 down 0");
    EXPECT_EQ(voteCounters(t, author_user.id), "good 1 bad 0 score 2");
}

TEST_F(VoteRaceTest, ConcurrentChangesOfMindKeepTotalsEqualToTheVoteRows) {
    auto& s = server();
    auto t = roomyTenant("race3");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    std::vector<HttpClient> voters;
    for (int i = 0; i < 3; ++i)
        voters.push_back(s.apiClient(t, s.createUser(t)));
    int64_t q = askId(author, "race changes of mind");

    // Up, down and unvote from three members, all at once, twice over.
    std::vector<std::function<HttpResult()>> calls;
    for (int round = 0; round < 2; ++round)
        for (size_t v = 0; v < voters.size(); ++v) {
            calls.push_back(upvote(voters[v], q, 1));
            calls.push_back(upvote(voters[v], q, -1));
            calls.push_back(unvote(voters[v], q));
            calls.push_back(upvote(voters[v], q, v == 0 ? -1 : 1));
        }
    EXPECT_THAT(together(calls), Each(Eq(200)));

    // Whatever order they ran in, the totals are those of the rows left.
    int64_t up = scalarIn(t, "SELECT count(*) FROM {s}.votes WHERE post_id = $1 AND value = 1", q);
    int64_t down =
        scalarIn(t, "SELECT count(*) FROM {s}.votes WHERE post_id = $1 AND value = -1", q);
    EXPECT_LE(up + down, 3);
    EXPECT_EQ(postVotes(t, q), "score " + std::to_string(up - down) + " up " + std::to_string(up) +
                                   " down " + std::to_string(down));
    EXPECT_EQ(voteCounters(t, author_user.id), "good " + std::to_string(up > down ? 1 : 0) +
                                                   " bad " + std::to_string(up < down ? 1 : 0) +
                                                   " score " + std::to_string(up - down));
}

}  // namespace

}  // namespace agora::test
