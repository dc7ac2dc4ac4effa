// Per-member rate limits (SPEC §4: 429 with Retry-After). Redis keeps the counts, PostgreSQL
// holds the truth: with Redis down the limit is counted from PostgreSQL, and after Redis comes
// back (empty) it is seeded from PostgreSQL, so a limit never silently disappears.
#include <gmock/gmock.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <latch>
#include <thread>

#include "ContentTestSupport.h"
#include "support/ShellCommand.h"

namespace agora::test {

namespace {

class RateLimitTest : public ContentTest {
protected:
    void SetUp() override {
        ContentTest::SetUp();
        if (HasFatalFailure())
            return;
        try {
            port_ = requireEnv("AGORA_TEST_REDIS_PORT");
            requireEnv("AGORA_TEST_REDIS_DIR");
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
        ASSERT_TRUE(redisAnswers()) << "Redis on port " << port_ << " is not running";
    }

    // Leave Redis running for the tests after this one, whatever happened here.
    void TearDown() override {
        if (!port_.empty() && !redisAnswers())
            runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    }

    std::string redis(const std::string& args) {
        return runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " " + args + " 2>/dev/null")
            .second;
    }
    bool redisAnswers() { return redis("ping") == "PONG\n"; }

    // Asks a question; the status, and the JSON answer.
    static HttpResult tryAsk(HttpClient& c, const std::string& what) {
        return c.post("/api/v1/questions",
                      {{"title", title(what)}, {"body", body(what)}, {"tags", {"limits"}}});
    }

    // A 429 as SPEC §4 describes it, and nothing written.
    void expectLimited(HttpClient& c, const TestTenant& t, const std::string& what) {
        auto before = state(t);
        auto r = tryAsk(c, what);
        EXPECT_TRUE(refused(r, 429, "rate_limited")) << what;
        auto retry = r.header("Retry-After");
        ASSERT_FALSE(retry.empty()) << what << ": no Retry-After";
        ASSERT_EQ(retry.find_first_not_of("0123456789"), std::string::npos) << retry;
        EXPECT_GE(std::stoll(retry), 1) << what;
        EXPECT_LE(std::stoll(retry), 86400) << what;
        EXPECT_EQ(state(t), before) << what;
    }

    std::string port_;
};

TEST_F(RateLimitTest, NewMembersQuestionLimitHoldsWithRedisDownAndAfterItRestarts) {
    auto& s = server();
    auto t = s.createTenant("rate");
    auto admin = s.apiClient(t, s.createUser(t, "admin"));
    auto put = admin.put("/api/v1/admin/settings", {{"rate_limit.new_user.questions_per_day", 2}});
    ASSERT_EQ(put.status, 200) << put;
    ASSERT_TRUE(TestServer::waitFor(
        [&] {
            auto tenant = s.app().directory().bySlug(t.slug);
            return tenant && tenant->overrides.count("rate_limit.new_user.questions_per_day");
        },
        5000));

    auto first_user = s.createUser(t);
    auto second_user = s.createUser(t);
    auto first = s.apiClient(t, first_user);
    auto second = s.apiClient(t, second_user);
    auto mod = s.apiClient(t, s.createUser(t, "moderator"));
    auto me = first.get("/api/v1/me").json();
    ASSERT_THAT(me["abilities"], ::testing::Not(::testing::Contains("unrestricted")))
        << "a new member";

    ASSERT_EQ(tryAsk(first, "first limited one").status, 201);
    ASSERT_EQ(tryAsk(first, "first limited two").status, 201);
    expectLimited(first, t, "first limited three");
    expectLimited(first, t, "first limited four");
    // Moderators are not limited; the other member has a count of their own.
    for (const char* what : {"moderator one", "moderator two", "moderator three"})
        EXPECT_EQ(tryAsk(mod, what).status, 201) << what;
    const std::string key = "rl:{" + t.slug + "}:questions:" + std::to_string(first_user.id);
    EXPECT_EQ(redis("exists '" + key + "'"), "1\n") << "counted in Redis while it runs";

    // Redis stops: the count comes from PostgreSQL.
    redis("shutdown nosave");
    ASSERT_TRUE(TestServer::waitFor([&] { return !redisAnswers(); }, 5000, 50))
        << "Redis did not stop";
    expectLimited(first, t, "first limited, Redis down");
    EXPECT_EQ(tryAsk(second, "second while down one").status, 201);
    EXPECT_EQ(tryAsk(second, "second while down two").status, 201);
    expectLimited(second, t, "second limited, Redis down");

    // Redis is back, empty: both counts are seeded from PostgreSQL, including the questions
    // asked while it was down.
    auto [rc, output] = runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    ASSERT_EQ(rc, 0) << "ops/redis-restart failed:\n" << output;
    ASSERT_TRUE(TestServer::waitFor([&] { return redisAnswers(); }, 5000, 50));
    ASSERT_EQ(redis("exists '" + key + "'"), "0\n") << "a fresh Redis";
    // Until the server has reconnected it keeps counting from PostgreSQL; wait for that so
    // what follows goes through Redis.
    auto c = s.client(t);
    ASSERT_TRUE(TestServer::waitFor(
        [&] {
            auto h = c.get("/healthz");
            return h.isJson() && h.json()["redis"] == "ok";
        },
        5000, 50))
        << "the server did not reconnect to Redis";
    expectLimited(first, t, "first limited, Redis back");
    expectLimited(second, t, "second limited, Redis back");
    EXPECT_EQ(redis("exists '" + key + "'"), "1\n") << "seeded again";

    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.posts WHERE author_id = $1", first_user.id), 2);
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.posts WHERE author_id = $1", second_user.id),
              2);
}

TEST_F(RateLimitTest, SimultaneousRequestsCannotOvershootTheLimit) {
    auto& s = server();
    auto t = s.createTenant("rate-race", [](TenantFile& f) {
        f.settings["rate_limit.new_user.questions_per_day"] = 2;
    });
    auto user = s.createUser(t);
    auto api = s.apiClient(t, user);

    // Eight questions sent at the same moment by a member allowed two a day.
    constexpr int kCalls = 8;
    std::vector<int> statuses(kCalls);
    std::latch start(kCalls);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCalls; ++i)
        threads.emplace_back([&, i, c = api]() mutable {
            start.arrive_and_wait();
            try {
                statuses[i] = tryAsk(c, "at once " + std::to_string(i)).status;
            } catch (const std::exception&) {
                statuses[i] = -1;
            }
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 2)
        << ::testing::PrintToString(statuses);
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 429), kCalls - 2)
        << ::testing::PrintToString(statuses);
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.posts WHERE author_id = $1", user.id), 2);
}

}  // namespace

}  // namespace agora::test
