// Redis is a cache: with it down the site keeps answering (slower, never wrong) and
// /healthz says "degraded"; once it is back, everything recovers without a restart.
#include <gmock/gmock.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "support/IntegrationTest.h"
#include "support/ShellCommand.h"

namespace agora::test {

namespace {

class RedisOutageTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        // Fail (not skip) without them: ops/test always provides both.
        try {
            port_ = requireEnv("AGORA_TEST_REDIS_PORT");
            requireEnv("AGORA_TEST_REDIS_DIR");
        } catch (const std::exception& e) {
            FAIL() << e.what();
        }
        ASSERT_TRUE(redisAnswers()) << "Redis on port " << port_ << " is not running";
    }

    // Whatever happened in the test, leave Redis running for the tests after this one.
    void TearDown() override {
        if (!port_.empty() && !redisAnswers())
            restartRedis();
    }

    bool redisAnswers() {
        return runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " ping 2>/dev/null").second ==
               "PONG\n";
    }
    std::pair<int, std::string> restartRedis() {
        return runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    }
    json health(HttpClient& c) {
        auto r = c.get("/healthz");
        EXPECT_EQ(r.status, 200) << r;
        return r.isJson() ? r.json() : json::object();
    }

    std::string port_;
};

TEST_F(RedisOutageTest, ServesWhileRedisIsDownAndRecovers) {
    auto& s = server();
    auto t = s.createTenant("redis");
    auto u = s.createUser(t);
    auto c = s.client(t);
    auto ok = health(c);
    ASSERT_EQ(ok["status"], "ok") << ok;
    ASSERT_EQ(ok["redis"], "ok") << ok;

    runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " shutdown nosave >/dev/null 2>&1");
    ASSERT_TRUE(TestServer::waitFor([&] { return !redisAnswers(); }, 5000, 50))
        << "Redis did not stop";

    // Still answering: pages, login, authenticated API calls.
    EXPECT_EQ(c.get("/login").status, 200);
    auto login = c.post("/api/v1/session", {{"login", u.username}, {"password", u.password}});
    ASSERT_EQ(login.status, 200) << login;
    auto api = s.client(t).asUser(login.json()["token"].get<std::string>());
    EXPECT_EQ(api.get("/api/v1/admin/settings").status, 403) << "member, not admin";
    auto down = health(c);
    EXPECT_EQ(down["status"], "degraded") << down;
    EXPECT_EQ(down["redis"], "down") << down;
    EXPECT_EQ(down["postgresql"], "ok") << down;

    auto [rc, output] = restartRedis();
    ASSERT_EQ(rc, 0) << "ops/redis-restart failed:\n" << output;
    auto restarted = std::chrono::steady_clock::now();
    json last;
    bool recovered = TestServer::waitFor(
        [&] {
            last = health(c);
            return last["status"] == "ok";
        },
        5000, 100);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - restarted)
                  .count();
    std::cout << "[ redis ] /healthz ok again " << ms << " ms after Redis restarted\n";
    EXPECT_TRUE(recovered) << "still " << last << " 5 s after Redis came back";
    EXPECT_EQ(last["redis"], "ok");
}

}  // namespace

}  // namespace agora::test
