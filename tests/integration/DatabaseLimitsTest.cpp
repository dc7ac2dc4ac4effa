// Database limits for requests: connections carry connect, statement and idle-in-transaction
// timeouts; a lease never inherits another tenant's schema; serialization failures and
// deadlocks are retried a bounded number of times before a 409, and a request's writes stay
// one transaction throughout.
#include <gmock/gmock.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "db/PgConnection.h"
#include "support/IntegrationTest.h"
#include "support/SilentListener.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

class DatabaseLimitsTest : public IntegrationTest {
protected:
    void TearDown() override {
        if (saved_)
            server().app().pool().setLimits(*saved_);
    }
    void limitPool(const db::ConnectionLimits& limits) {
        if (!saved_)
            saved_ = server().app().pool().limits();
        server().app().pool().setLimits(limits);
    }

    // Makes the first `failures` inserts into the tenant's posts fail with `sqlstate`.
    void failPostInserts(const TestTenant& t, const std::string& sqlstate, int failures) {
        auto lease = server().db();
        lease->exec("CREATE SEQUENCE " + t.schema + ".probe");
        lease->exec("CREATE FUNCTION " + t.schema +
                    ".probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF nextval('" +
                    t.schema + ".probe') <= " + std::to_string(failures) +
                    " THEN RAISE EXCEPTION 'probe' USING ERRCODE = '" + sqlstate +
                    "'; END IF; RETURN NEW; END $$");
        lease->exec("CREATE TRIGGER probe BEFORE INSERT ON " + t.schema +
                    ".posts FOR EACH ROW EXECUTE FUNCTION " + t.schema + ".probe()");
    }
    int64_t attempts(const TestTenant& t) {
        return server().scalar("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " +
                               t.schema + ".probe");
    }
    HttpResult ask(HttpClient& api, const std::string& title) {
        return api.post("/api/v1/questions",
                        {{"title", title},
                         {"body", "A body long enough for the default limits, " + title},
                         {"tags", {"retry"}}});
    }
    int64_t posts(const TestTenant& t, const std::string& title) {
        return server().scalar("SELECT count(*) FROM " + t.schema + ".posts WHERE title = $1",
                               title);
    }

    std::optional<db::ConnectionLimits> saved_;
};

TEST_F(DatabaseLimitsTest, RequestConnectionsCarryTheTimeouts) {
    const auto& config = server().app().config();
    auto lease = server().app().pool().acquire();  // a request connection
    EXPECT_EQ(lease
                  ->q("SELECT current_setting('statement_timeout')::interval = "
                      "make_interval(secs => $1::float8 / 1000)",
                      static_cast<long long>(config.db_statement_timeout_ms))
                  .boolean(0, 0),
              true)
        << lease->q("SHOW statement_timeout").str(0, 0);
    EXPECT_EQ(lease
                  ->q("SELECT current_setting('idle_in_transaction_session_timeout')::interval = "
                      "make_interval(secs => $1::float8 / 1000)",
                      static_cast<long long>(config.db_idle_in_transaction_timeout_ms))
                  .boolean(0, 0),
              true)
        << lease->q("SHOW idle_in_transaction_session_timeout").str(0, 0);
    EXPECT_GT(config.db_statement_timeout_ms, 0);
    EXPECT_GT(config.db_idle_in_transaction_timeout_ms, 0);
    EXPECT_GT(config.db_connect_timeout_seconds, 0);
}

TEST_F(DatabaseLimitsTest, ARequestStuckOnALockAnswers503WithinTheStatementTimeout) {
    auto& s = server();
    auto t = s.createTenant("dblock");
    auto u = s.createUser(t);
    limitPool({5, 500, 60000});
    // Another session holds the sessions table: a login can't write its session.
    db::PgConnection locker(requireEnv("AGORA_DATABASE_URL"));
    locker.exec("BEGIN; LOCK TABLE network.sessions IN ACCESS EXCLUSIVE MODE");
    auto start = Clock::now();
    auto r = s.client(t).post("/api/v1/session", {{"login", u.username}, {"password", u.password}});
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    locker.exec("ROLLBACK");
    std::cout << "[ db ] a login stuck behind a lock answered " << r.status << " after " << ms
              << " ms (statement_timeout 500 ms)\n";
    EXPECT_EQ(r.status, 503) << r;
    // PostgreSQL's own words ("canceling statement due to statement timeout") stay in the log.
    EXPECT_EQ(r.errorMessage(), "temporarily unavailable; try again shortly") << r;
    EXPECT_EQ(r.header("retry-after"), "1");
    EXPECT_LT(ms, 5000) << "waited for the lock instead of timing out";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.sessions WHERE account_id = $1", u.id), 0);
}

TEST_F(DatabaseLimitsTest, AnIdleTransactionIsEndedByTheServer) {
    limitPool({5, 0, 300});
    auto lease = server().app().pool().acquire();  // a request connection
    lease->exec("BEGIN");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_THROW(lease->exec("SELECT 1"), db::PgError);
}

TEST_F(DatabaseLimitsTest, ConnectingToAServerThatNeverAnswersGivesUp) {
    SilentListener silent;
    std::string url = "postgresql://agora@127.0.0.1:" + std::to_string(silent.port()) + "/agora";
    auto done = std::make_shared<std::atomic<bool>>(false);
    auto threw = std::make_shared<std::atomic<bool>>(false);
    std::thread([url, done, threw] {
        try {
            db::PgConnection c(url, {1, 0, 0});
        } catch (const db::PgError&) {
            threw->store(true);
        }
        done->store(true);
    }).detach();
    bool finished = TestServer::waitFor([&] { return done->load(); }, 5000, 50);
    EXPECT_TRUE(finished) << "still connecting after 5 s with connect_timeout=1";
    EXPECT_TRUE(threw->load());
    if (!finished)
        silent.keepOpen();  // the stuck thread still reads from it
}

TEST_F(DatabaseLimitsTest, ALeaseNeverStartsInAStaleSchema) {
    auto& s = server();
    auto a = s.createTenant("schema-a");
    auto b = s.createTenant("schema-b");
    {
        auto lease = s.app().pool().acquire();
        lease->useSchema(a.schema);
        // Behind the cache's back, as plugin SQL or a rolled-back SET could.
        lease->exec("SET search_path TO " + b.schema);
    }
    {
        auto lease = s.app().pool().acquire();
        lease->useSchema(a.schema);
        EXPECT_EQ(lease->q("SELECT current_schema()").str(0, 0), a.schema);
    }
    {
        auto lease = s.app().pool().acquire();
        EXPECT_THAT(lease->q("SHOW search_path").str(0, 0), Not(HasSubstr("t_")))
            << "a lease starts from the default search_path";
    }
}

TEST_F(DatabaseLimitsTest, SerializationFailuresAreRetriedAndWriteOnce) {
    auto& s = server();
    auto t = s.createTenant("retry");
    auto api = s.apiClient(t, s.createUser(t));
    failPostInserts(t, "40001", 2);
    std::string title = "Does a retried question appear once " + TestServer::uniqueSuffix(6);
    auto r = ask(api, title);
    EXPECT_EQ(r.status, 201) << r;
    EXPECT_EQ(attempts(t), 3);
    EXPECT_EQ(posts(t, title), 1);
}

TEST_F(DatabaseLimitsTest, DeadlocksAreRetriedToo) {
    auto& s = server();
    auto t = s.createTenant("deadlock");
    auto api = s.apiClient(t, s.createUser(t));
    failPostInserts(t, "40P01", 1);
    std::string title = "Does a deadlocked question appear once " + TestServer::uniqueSuffix(6);
    EXPECT_EQ(ask(api, title).status, 201);
    EXPECT_EQ(attempts(t), 2);
    EXPECT_EQ(posts(t, title), 1);
}

TEST_F(DatabaseLimitsTest, PersistentConflictsAre409AfterBoundedRetriesAndWriteNothing) {
    auto& s = server();
    auto t = s.createTenant("conflict");
    auto api = s.apiClient(t, s.createUser(t));
    failPostInserts(t, "40001", 1000);
    std::string title =
        "Does a doomed question leave nothing behind " + TestServer::uniqueSuffix(6);
    auto before = s.networkState(t.id);
    auto r = ask(api, title);
    EXPECT_EQ(r.status, 409) << r;
    EXPECT_EQ(r.errorCode(), "retry");
    EXPECT_THAT(r.json()["error"]["message"].get<std::string>(), HasSubstr("try again"));
    EXPECT_EQ(attempts(t), 3) << "bounded";
    EXPECT_EQ(posts(t, title), 0);
    EXPECT_EQ(s.networkState(t.id), before);
}

TEST_F(DatabaseLimitsTest, OtherErrorsAreNotRetried) {
    auto& s = server();
    auto t = s.createTenant("noretry");
    auto api = s.apiClient(t, s.createUser(t));
    failPostInserts(t, "23514", 1000);  // check_violation
    auto r = ask(api, "Is a refused question retried at all " + TestServer::uniqueSuffix(6));
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_EQ(attempts(t), 1);
}

}  // namespace

}  // namespace agora::test
