// Brute force and sign-up floods: failed logins are throttled per account and per client
// address, sign-ups per address (429 with Retry-After). A refused attempt costs no Argon2id and
// an admitted one exactly one; the counts live in Redis with PostgreSQL as the truth, so
// stopping or flushing Redis doesn't reset them.
#include <gmock/gmock.h>

#include <atomic>
#include <latch>
#include <random>
#include <thread>

#include "support/IntegrationTest.h"
#include "support/ShellCommand.h"
#include "util/Crypto.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class AuthThrottleTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        saved_ = server().app().authThrottle().limits();
        tenant_ = server().createTenant("throttle");
    }
    void TearDown() override {
        server().app().authThrottle().setLimits(saved_);
        if (!redis_port_.empty() && !redisAnswers())
            runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    }

    // A loopback address of this test's own (127.x.y.z), so its counts are nobody else's.
    static std::string freshAddress() {
        static std::mt19937 rng{std::random_device{}()};
        std::uniform_int_distribution<int> part(2, 254);
        return "127." + std::to_string(part(rng)) + "." + std::to_string(part(rng)) + "." +
               std::to_string(part(rng));
    }

    void limit(int64_t per_account, int64_t per_address, int64_t signups = 1000) {
        AuthThrottle::Limits l;
        l.login_failures_per_account = per_account;
        l.login_failures_per_address = per_address;
        l.login_window = std::chrono::seconds(900);
        l.signups_per_address = signups;
        l.signup_window = std::chrono::seconds(3600);
        server().app().authThrottle().setLimits(l);
    }

    HttpResult login(HttpClient c, const std::string& name, const std::string& password) {
        return c.post("/api/v1/session", {{"login", name}, {"password", password}});
    }

    static void expect429(const HttpResult& r, int64_t max_retry) {
        EXPECT_EQ(r.status, 429) << r;
        auto retry = r.header("Retry-After");
        ASSERT_FALSE(retry.empty()) << r;
        ASSERT_EQ(retry.find_first_not_of("0123456789"), std::string::npos) << retry;
        EXPECT_GE(std::stoll(retry), 1);
        EXPECT_LE(std::stoll(retry), max_retry);
    }

    bool redisAnswers() {
        return runCommand("redis-cli -h 127.0.0.1 -p " + redis_port_ + " ping 2>/dev/null")
                   .second == "PONG\n";
    }

    AuthThrottle::Limits saved_;
    TestTenant tenant_;
    std::string redis_port_;
};

TEST_F(AuthThrottleTest, FailedLoginsPerAccountAre429AndCostNoHash) {
    auto& s = server();
    limit(3, 1000);
    auto u = s.createUser(tenant_);
    auto c = s.client(tenant_).fromAddress(freshAddress());
    auto work = crypto::passwordWork();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(login(c, u.username, "wrong-password-" + std::to_string(i)).status, 401);
    EXPECT_EQ(crypto::passwordWork() - work, 3u) << "one Argon2id per admitted attempt";

    auto before = s.networkState(tenant_.id);
    auto refused = login(c, u.username, "wrong-password-again");
    expect429(refused, 900);
    EXPECT_EQ(refused.errorCode(), "rate_limited");
    EXPECT_THAT(refused.json()["error"]["message"].get<std::string>(),
                HasSubstr("failed logins for this account"));
    // Locked for everyone, the right password and the email spelling included, from another
    // address too, and through the form; none of it costs a hash or writes a session.
    expect429(login(c, u.username, u.password), 900);
    expect429(login(c, u.email, u.password), 900);
    expect429(login(s.client(tenant_).fromAddress(freshAddress()), u.username, u.password), 900);
    auto form = s.client(tenant_).fromAddress(freshAddress());
    auto csrf = form.fetchCsrf("/login");
    auto page =
        form.postForm("/login", {{"_csrf", csrf}, {"login", u.username}, {"password", u.password}});
    expect429(page, 900);
    EXPECT_THAT(page.body, HasSubstr("Too many failed attempts"));
    EXPECT_FALSE(form.hasCookie("agora_session"));
    EXPECT_EQ(crypto::passwordWork() - work, 3u) << "refused attempts must not hash";
    EXPECT_EQ(s.networkState(tenant_.id), before);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.throttle_events WHERE bucket = $1",
                       "login:account:" + std::to_string(u.id)),
              3)
        << "refusals are not counted: the lock ends one window after the last real failure";

    // Another account is untouched.
    auto other = s.createUser(tenant_);
    EXPECT_EQ(login(c, other.username, other.password).status, 200);
}

TEST_F(AuthThrottleTest, SuccessfulLoginsDontCount) {
    auto& s = server();
    limit(2, 2);
    auto u = s.createUser(tenant_);
    auto c = s.client(tenant_).fromAddress(freshAddress());
    for (int i = 0; i < 6; ++i)
        ASSERT_EQ(login(c, u.username, u.password).status, 200) << "login " << i;
    EXPECT_EQ(login(c, u.username, "wrong-password").status, 401);
    EXPECT_EQ(login(c, u.username, u.password).status, 200);
}

TEST_F(AuthThrottleTest, FailedLoginsPerAddressCoverUnknownNames) {
    auto& s = server();
    limit(1000, 4);
    auto u = s.createUser(tenant_);
    auto from = s.client(tenant_).fromAddress(freshAddress());
    auto work = crypto::passwordWork();
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(login(from, "nobody_" + TestServer::uniqueSuffix(), "wrong-password").status,
                  401);
    auto refused = login(from, u.username, u.password);
    expect429(refused, 900);
    EXPECT_THAT(refused.json()["error"]["message"].get<std::string>(),
                HasSubstr("failed logins from this address"));
    EXPECT_EQ(crypto::passwordWork() - work, 4u);
    // The account itself is fine from anywhere else.
    EXPECT_EQ(login(s.client(tenant_).fromAddress(freshAddress()), u.username, u.password).status,
              200);
}

TEST_F(AuthThrottleTest, ConcurrentGuessesGetNoMoreThanTheLimit) {
    auto& s = server();
    limit(3, 1000);
    auto u = s.createUser(tenant_);
    auto c = s.client(tenant_).fromAddress(freshAddress());
    auto work = crypto::passwordWork();
    constexpr int kThreads = 10;
    std::atomic<int> unauthorized{0}, limited{0}, other{0};
    std::latch go(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            auto r = login(c, u.username, "guess-" + std::to_string(i));
            (r.status == 401 ? unauthorized : r.status == 429 ? limited : other)++;
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(unauthorized.load(), 3);
    EXPECT_EQ(limited.load(), kThreads - 3);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(crypto::passwordWork() - work, 3u);
}

TEST_F(AuthThrottleTest, CountsSurviveRedisGoingDownAndComingBackEmpty) {
    auto& s = server();
    try {
        redis_port_ = requireEnv("AGORA_TEST_REDIS_PORT");
        requireEnv("AGORA_TEST_REDIS_DIR");
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
    ASSERT_TRUE(redisAnswers());
    limit(3, 1000);
    auto u = s.createUser(tenant_);
    auto c = s.client(tenant_).fromAddress(freshAddress());
    EXPECT_EQ(login(c, u.username, "wrong-1").status, 401);  // counted in Redis and PostgreSQL

    runCommand("redis-cli -h 127.0.0.1 -p " + redis_port_ + " shutdown nosave >/dev/null 2>&1");
    ASSERT_TRUE(TestServer::waitFor([&] { return !redisAnswers(); }, 5000, 50));
    EXPECT_EQ(login(c, u.username, "wrong-2").status, 401);  // PostgreSQL alone
    EXPECT_EQ(login(c, u.username, "wrong-3").status, 401);
    expect429(login(c, u.username, u.password), 900);

    auto [rc, output] = runCommand(checkoutRoot() + "/ops/redis-restart 2>&1");
    ASSERT_EQ(rc, 0) << output;
    ASSERT_TRUE(TestServer::waitFor([&] { return s.app().redis().available(); }, 5000, 100));
    // Redis came back empty: the count is re-seeded from PostgreSQL, not reset.
    expect429(login(c, u.username, u.password), 900);
    EXPECT_FALSE(runCommand("redis-cli -h 127.0.0.1 -p " + redis_port_ + " exists " +
                            AuthThrottle::redisKey("login:account:" + std::to_string(u.id)))
                     .second.starts_with("0"))
        << "the count lives in Redis again";
}

TEST_F(AuthThrottleTest, SignupsPerAddressAre429AndWriteNothing) {
    auto& s = server();
    limit(1000, 1000, 2);
    auto c = s.client(tenant_).fromAddress(freshAddress());
    auto signup = [&](const TestUser& d) {
        return c.post("/api/v1/users",
                      {{"username", d.username}, {"email", d.email}, {"password", d.password}});
    };
    // A refused sign-up (invalid) is not an account: it doesn't count.
    auto bad = TestServer::newUserDetails("t");
    bad.email = "not-an-email";
    EXPECT_EQ(signup(bad).status, 422);
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(signup(TestServer::newUserDetails("t")).status, 201) << i;

    auto before = s.networkState(tenant_.id);
    auto work = crypto::passwordWork();
    auto d = TestServer::newUserDetails("t");
    auto refused = signup(d);
    expect429(refused, 3600);
    EXPECT_EQ(refused.errorCode(), "rate_limited");
    EXPECT_THAT(refused.json()["error"]["message"].get<std::string>(),
                HasSubstr("sign-ups from this address"));
    auto form = c;  // the address of the API sign-ups
    auto csrf = form.fetchCsrf("/signup");
    auto d2 = TestServer::newUserDetails("t");
    auto page = form.postForm("/signup", {{"_csrf", csrf},
                                          {"username", d2.username},
                                          {"email", d2.email},
                                          {"password", d2.password}});
    expect429(page, 3600);
    EXPECT_THAT(page.body, HasSubstr("sign-ups from this address"));
    EXPECT_EQ(crypto::passwordWork(), work) << "a refused sign-up hashes nothing";
    EXPECT_EQ(s.networkState(tenant_.id), before);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE username IN ($1, $2)",
                       d.username, d2.username),
              0);
    // Another address may still sign up.
    auto elsewhere = s.client(tenant_).fromAddress(freshAddress());
    auto d3 = TestServer::newUserDetails("t");
    EXPECT_EQ(elsewhere
                  .post("/api/v1/users",
                        {{"username", d3.username}, {"email", d3.email}, {"password", d3.password}})
                  .status,
              201);
}

TEST(AuthThrottleAddress, Ipv6CountsByItsSlash64) {
    EXPECT_EQ(AuthThrottle::addressKey("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(AuthThrottle::addressKey("::ffff:192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(AuthThrottle::addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(AuthThrottle::addressKey("2001:db8:1:2::1"),
              AuthThrottle::addressKey("2001:db8:1:2:ffff::9"));
}

}  // namespace

}  // namespace agora::test
