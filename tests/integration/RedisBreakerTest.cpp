// The Redis circuit breaker: after a failure it answers "unavailable" at once for a cool-down,
// then lets exactly one caller through as a probe — not every caller that arrives at that
// moment, each of which would otherwise wait out its own connect or command timeout.
#include <gmock/gmock.h>

#include <iostream>
#include <latch>
#include <thread>

#include "cache/RedisClient.h"
#include "support/IntegrationTest.h"
#include "support/ShellCommand.h"
#include "support/SilentListener.h"

namespace agora::test {

namespace {

using namespace std::chrono_literals;

class RedisBreakerTest : public IntegrationTest {
protected:
    void TearDown() override {
        if (!port_.empty() && !redisAnswers())
            runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    }
    bool redisAnswers() {
        return runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " ping 2>/dev/null").second ==
               "PONG\n";
    }
    // `n` callers at once; returns how many got an answer.
    static int concurrently(cache::RedisClient& redis, int n) {
        std::latch go(n);
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&] {
                go.arrive_and_wait();
                if (redis.command({"PING"}).ok)
                    ++ok;
            });
        for (auto& t : threads)
            t.join();
        return ok.load();
    }
    std::string port_;
};

TEST_F(RedisBreakerTest, OneProbeAfterTheCoolDownAgainstAStoppedRedis) {
    try {
        port_ = requireEnv("AGORA_TEST_REDIS_PORT");
        requireEnv("AGORA_TEST_REDIS_DIR");
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    // The suite's URL: it carries the password the test Redis requires.
    cache::RedisClient redis(requireEnv("AGORA_REDIS_URL"));
    redis.setCoolDown(300ms);
    ASSERT_TRUE(redis.available());

    runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " shutdown nosave >/dev/null 2>&1");
    ASSERT_TRUE(TestServer::waitFor([&] { return !redisAnswers(); }, 5000, 50));
    EXPECT_FALSE(redis.command({"PING"}).ok);  // fails, opens the breaker
    auto before = redis.connectAttempts();
    EXPECT_EQ(concurrently(redis, 16), 0);
    EXPECT_EQ(redis.connectAttempts(), before) << "open: nobody tries";

    std::this_thread::sleep_for(400ms);
    before = redis.connectAttempts();
    EXPECT_EQ(concurrently(redis, 16), 0);
    EXPECT_EQ(redis.connectAttempts() - before, 1u) << "exactly one probe after the cool-down";

    // Back: after the next cool-down one probe succeeds and closes the breaker for everyone.
    auto [rc, output] = runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    ASSERT_EQ(rc, 0) << output;
    std::this_thread::sleep_for(400ms);
    EXPECT_TRUE(redis.command({"PING"}).ok);
    EXPECT_EQ(concurrently(redis, 16), 16);
}

TEST_F(RedisBreakerTest, OneProbeWhenRedisHangs) {
    // Accepts connections but never answers: every attempt costs a full command timeout.
    SilentListener silent(64);
    cache::RedisClient redis("redis://127.0.0.1:" + std::to_string(silent.port()));
    redis.setCoolDown(300ms);
    EXPECT_FALSE(redis.command({"PING"}).ok);
    std::this_thread::sleep_for(400ms);
    auto before = redis.connectAttempts();
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(concurrently(redis, 16), 0);
    auto elapsed = std::chrono::steady_clock::now() - start;
    std::cout << "[ redis ] 16 callers against a hanging Redis after the cool-down: "
              << redis.connectAttempts() - before << " connect attempt(s), "
              << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
              << " ms for all\n";
    EXPECT_EQ(redis.connectAttempts() - before, 1u);
    EXPECT_LT(elapsed, 1500ms);
}

}  // namespace

}  // namespace agora::test
