// Redis with a password: AGORA_REDIS_URL carries an ACL user and password (or a password for
// `requirepass`) and a database number. A wrong password is an unavailable Redis — the server
// keeps answering from PostgreSQL — never a crash or a wrong answer.
#include <gmock/gmock.h>

#include <cstdlib>

#include "cache/RedisClient.h"
#include "http/HttpServer.h"
#include "support/IntegrationTest.h"
#include "support/ShellCommand.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RedisAuthTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        url_ = requireEnv("AGORA_REDIS_URL");
        port_ = requireEnv("AGORA_TEST_REDIS_PORT");
        password_ = requireEnv("REDISCLI_AUTH");
        ASSERT_NE(url_.find(":" + password_ + "@"), std::string::npos)
            << "ops/test gives Redis a password and puts it in AGORA_REDIS_URL";
    }
    std::string hostPort() const { return "127.0.0.1:" + port_; }

    std::string url_, port_, password_;
};

TEST_F(RedisAuthTest, TheRightPasswordIsAcceptedAsUserOrAlone) {
    cache::RedisClient acl(url_);
    EXPECT_TRUE(acl.available()) << "ACL user agora with its password";
    cache::RedisClient requirepass("redis://:" + password_ + "@" + hostPort() + "/0");
    EXPECT_TRUE(requirepass.available()) << "AUTH with the password alone (requirepass)";
}

TEST_F(RedisAuthTest, AWrongOrMissingPasswordIsRedisDown) {
    for (const std::string& url : std::vector<std::string>{
             "redis://agora:wrong-" + password_ + "@" + hostPort() + "/0",
             "redis://:wrong@" + hostPort() + "/0", "redis://" + hostPort() + "/0",
             "redis://nobody:" + password_ + "@" + hostPort() + "/0"}) {
        cache::RedisClient c(url);
        EXPECT_FALSE(c.available()) << url;
        auto r = c.command({"SET", "auth-test-key", "x"});
        EXPECT_FALSE(r.ok) << url;
    }
    EXPECT_EQ(runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " exists auth-test-key").second,
              "0\n")
        << "nothing was written without the password";
}

TEST_F(RedisAuthTest, TheDatabaseNumberIsSelectedAfterAuth) {
    auto base = url_.substr(0, url_.rfind('/'));
    cache::RedisClient db3(base + "/3");
    std::string key = "auth-db-" + TestServer::uniqueSuffix();
    ASSERT_TRUE(db3.set(key, "in three", 60));
    EXPECT_EQ(runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " -n 3 get " + key).second,
              "in three\n");
    EXPECT_EQ(runCommand("redis-cli -h 127.0.0.1 -p " + port_ + " -n 0 exists " + key).second,
              "0\n");
}

TEST_F(RedisAuthTest, TlsUrlsAreRefusedWithTheReason) {
    try {
        cache::RedisClient tls("rediss://agora:pw@" + hostPort() + "/0");
        FAIL() << "rediss:// was accepted";
    } catch (const std::exception& e) {
        EXPECT_THAT(e.what(), HasSubstr("TLS"));
        EXPECT_THAT(e.what(), Not(HasSubstr("pw"))) << "the message must not echo the password";
    }
}

TEST_F(RedisAuthTest, AServerWithAWrongRedisPasswordAnswersFromPostgres) {
    auto& s = server();
    auto t = s.createTenant("redisauth");
    auto u = s.createUser(t);
    auto config = Config::load();
    config.redis_url = "redis://agora:not-the-password@" + hostPort() + "/0";
    App app(config, 4, DbRole::Application);
    app.prepareServing();
    app.directory().reload();
    HttpServer http(app, app.router(), 0, 2);
    http.start();
    HttpClient c(http.port(), t.host);

    auto health = c.get("/healthz");
    EXPECT_EQ(health.status, 200) << health;
    EXPECT_EQ(health.json()["redis"], "down") << health;
    auto login = c.post("/api/v1/session", {{"login", u.username}, {"password", u.password}});
    ASSERT_EQ(login.status, 200) << login;
    auto api = c.asUser(login.json()["token"].get<std::string>());
    auto ask =
        api.post("/api/v1/questions", {{"title", "Does this work without the cache at all?"},
                                       {"body", "Asked while the server cannot log in to Redis."},
                                       {"tags", {"cache"}}});
    ASSERT_EQ(ask.status, 201) << ask;
    auto id = ask.json()["id"].get<int64_t>();
    auto read = c.get("/api/v1/questions/" + std::to_string(id));
    EXPECT_EQ(read.status, 200) << read;
    EXPECT_EQ(read.json()["title"], "Does this work without the cache at all?");
    // The main test server (right password) sees the same data.
    EXPECT_EQ(s.client(t).get("/api/v1/questions/" + std::to_string(id)).status, 200);
    http.stop();
}

}  // namespace

}  // namespace agora::test
