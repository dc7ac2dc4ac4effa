// The online applier and `agora migrate apply`: truthful ledger, short lock waits with retry,
// INVALID index clean-up, rolling order, failures isolated per tenant, reruns continue.
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "MigrateTest.h"
#include "migrate/OnlineApplier.h"

namespace agora::test {

namespace {

using Clock = std::chrono::steady_clock;
using migrate::ApplyOptions;
using migrate::Migrator;
using migrate::OnlineApplier;

class ApplyTest : public MigrateTest {
protected:
    migrate::ApplyResult applyPending(const std::string& slug, ApplyOptions options = {}) {
        auto t = migrate::MigrationPlan::tenant(db(), slug);
        auto steps = plan().pending(db(), *t);
        options.backoff_initial_ms = 50;
        return OnlineApplier(db(), options).apply(t->schema, steps);
    }
    bool ledgerHas(const std::string& schema, const std::string& step) {
        return scalar("SELECT count(*) FROM network.schema_migrations WHERE target = '" + schema +
                      "' AND step = '" + step + "'") == 1;
    }
    bool columnExists(const std::string& schema, const std::string& table,
                      const std::string& column) {
        return scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = '" +
                      schema + "' AND table_name = '" + table + "' AND column_name = '" + column +
                      "'") == 1;
    }
    nlohmann::json tenantIn(const nlohmann::json& result, const std::string& slug) {
        for (const auto& t : result["tenants"])
            if (t["slug"] == slug)
                return t;
        return nullptr;
    }
};

const std::string kTimeouts = "SET lock_timeout = '500ms';\nSET statement_timeout = '1min';\n";

}  // namespace

TEST_F(ApplyTest, FailingStepRollsBackAndTheLedgerStaysTruthful) {
    auto schema = addTenant("acme");
    writeStep("090_two_things.sql", kTimeouts +
                                        "ALTER TABLE members ADD COLUMN nickname text;\n"
                                        "ALTER TABLE members ADD COLUMN broken nosuchtype;\n");
    writeStep("091_after.sql", kTimeouts + "ALTER TABLE members ADD COLUMN later text;\n");
    auto r = applyPending("acme");
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.steps.size(), 1u);  // stops at the failure: 091 may depend on 090
    EXPECT_EQ(r.steps[0].error_line, 4);
    EXPECT_EQ(r.steps[0].sqlstate, "42704");
    EXPECT_NE(r.error.find("090_two_things.sql line 4"), std::string::npos) << r.error;
    EXPECT_FALSE(columnExists(schema, "members", "nickname"));  // first statement undone too
    EXPECT_FALSE(ledgerHas(schema, "090_two_things.sql"));
    EXPECT_FALSE(ledgerHas(schema, "091_after.sql"));
    // The connection is clean afterwards: no leaked timeouts or search_path.
    EXPECT_EQ(text("SHOW lock_timeout"), "0");

    // Fixed file: the rerun continues with both steps.
    writeStep("090_two_things.sql", kTimeouts + "ALTER TABLE members ADD COLUMN nickname text;\n");
    auto again = applyPending("acme");
    ASSERT_TRUE(again.ok) << again.error;
    EXPECT_EQ(again.steps.size(), 2u);
    EXPECT_TRUE(columnExists(schema, "members", "nickname"));
    EXPECT_TRUE(ledgerHas(schema, "091_after.sql"));
    EXPECT_TRUE(pending("acme").empty());
}

TEST_F(ApplyTest, LockTimeoutRetriesInsteadOfQueueingEveryone) {
    auto schema = addTenant("queue");
    writeStep("090_col.sql", kTimeouts + "ALTER TABLE members ADD COLUMN flair text;\n");
    // A long reader holds ACCESS SHARE on members for 1.5 s (a report, a backup, a slow page).
    std::atomic<bool> holding{false};
    std::thread reader([&] {
        db::PgConnection c(url());
        db::Transaction tx(c);
        c.exec("SELECT count(*) FROM " + schema + ".members");
        holding = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        tx.commit();
    });
    while (!holding)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));

    // Meanwhile ordinary queries keep arriving; measure the worst one.
    std::atomic<bool> stop{false};
    std::atomic<int64_t> worst_ms{0};
    std::thread app_queries([&] {
        db::PgConnection c(url());
        while (!stop) {
            auto t0 = Clock::now();
            c.exec("SELECT id FROM " + schema + ".members WHERE id = 1");
            int64_t ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
            worst_ms = std::max(worst_ms.load(), ms);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });

    ApplyOptions options;
    options.max_lock_ms = 100;
    auto start = Clock::now();
    auto r = applyPending("queue", options);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    stop = true;
    app_queries.join();
    reader.join();
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.steps.size(), 1u);
    EXPECT_GE(r.steps[0].lock_timeouts, 1);
    EXPECT_GE(r.steps[0].attempts, 2);
    EXPECT_TRUE(columnExists(schema, "members", "flair"));
    // Other sessions waited at most about one lock timeout, never the reader's 1.5 s.
    EXPECT_LT(worst_ms.load(), 400);
    std::cout << "[ figures  ] ALTER behind a 1.5 s reader: " << r.steps[0].attempts
              << " attempts, applied after " << took << " ms; worst concurrent point query "
              << worst_ms.load() << " ms (lock_timeout 100 ms)\n";
}

TEST_F(ApplyTest, GivesUpAfterMaxAttemptsWithoutRecordingTheStep) {
    auto schema = addTenant("stuck");
    writeStep("090_col.sql", kTimeouts + "ALTER TABLE members ADD COLUMN x text;\n");
    db::PgConnection blocker(url());
    db::Transaction tx(blocker);
    blocker.exec("LOCK TABLE " + schema + ".members IN ACCESS SHARE MODE");
    ApplyOptions options;
    options.max_lock_ms = 50;
    options.max_attempts = 3;
    auto r = applyPending("stuck", options);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.steps.at(0).attempts, 3);
    EXPECT_EQ(r.steps.at(0).lock_timeouts, 3);
    EXPECT_EQ(r.steps.at(0).sqlstate, "55P03");
    EXPECT_FALSE(ledgerHas(schema, "090_col.sql"));
}

TEST_F(ApplyTest, InvalidLeftoverIndexIsDroppedAndRebuilt) {
    auto schema = addTenant("idx");
    db().exec("INSERT INTO " + schema +
              ".members (id, username, display_name) SELECT g, 'u' || g, 'same' FROM "
              "generate_series(1, 2000) g");
    writeStep("090_unique_name.sql",
              "-- agora:no-transaction\n" + kTimeouts +
                  "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS members_display_name "
                  "ON members (display_name);\n");
    // Duplicates: the build fails. Whatever it left must not stay (it would slow every write).
    auto failed = applyPending("idx");
    EXPECT_FALSE(failed.ok);
    EXPECT_EQ(failed.steps.at(0).sqlstate, "23505");
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema +
                     "' AND indexname = 'members_display_name'"),
              0);
    EXPECT_FALSE(ledgerHas(schema, "090_unique_name.sql"));

    // A leftover from a crash of some earlier run (made here the same way, by hand).
    try {
        db().exec("CREATE UNIQUE INDEX CONCURRENTLY members_display_name ON " + schema +
                  ".members (display_name)");
    } catch (const db::PgError&) {
    }
    ASSERT_EQ(scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                     "WHERE c.relname = 'members_display_name' AND NOT i.indisvalid"),
              1);
    // With the data fixed, IF NOT EXISTS alone would keep the invalid index; the applier drops it.
    db().exec("UPDATE " + schema + ".members SET display_name = 'User ' || id");
    auto r = applyPending("idx");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.steps.at(0).dropped_invalid_indexes,
              std::vector<std::string>{"members_display_name"});
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                     "WHERE c.relname = 'members_display_name' AND i.indisvalid"),
              1);
    EXPECT_TRUE(ledgerHas(schema, "090_unique_name.sql"));
}

TEST_F(ApplyTest, AFileCannotRaiseTheLockTimeoutAboveTheCeiling) {
    auto schema = addTenant("ceiling");
    writeStep("090_col.sql",
              "SET lock_timeout = '30s';\nSET statement_timeout = '1min';\n"
              "ALTER TABLE members ADD COLUMN x text;\n");
    db::PgConnection blocker(url());
    db::Transaction tx(blocker);
    blocker.exec("LOCK TABLE " + schema + ".members IN ACCESS SHARE MODE");
    ApplyOptions options;
    options.max_lock_ms = 100;
    options.max_attempts = 2;
    auto start = Clock::now();
    auto r = applyPending("ceiling", options);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.steps.at(0).lock_timeouts, 2);
    EXPECT_LT(took, 5000);  // not 30 s per attempt
}

TEST_F(ApplyTest, RollingApplySkipsAFailingTenantAndARerunContinues) {
    for (const char* slug : {"one", "two", "three"})
        addTenant(slug);
    ASSERT_EQ(cli({"tenant", "stage", "one"}).rc, 0);
    // Tenant "two" already has the row the step inserts: the step fails there only.
    db().exec("INSERT INTO t_two.close_reasons (name, description) VALUES ('spam', 'x')");
    writeStep("090_reason.sql",
              "INSERT INTO close_reasons (name, description) VALUES ('spam', 'Promotion');\n");
    writeStep("091_more.sql", "CREATE TABLE badges (id int PRIMARY KEY);\n");

    auto r = cli({"migrate", "apply", "--all", "--unrehearsed", "--canary", "three", "--json"});
    EXPECT_EQ(r.rc, 1) << r;
    auto j = r.json();
    ASSERT_EQ(j["tenants"].size(), 4u) << j.dump(2);
    // Staging copies first, then canaries, then the rest.
    EXPECT_EQ(j["tenants"][0]["slug"], "one-staging");
    EXPECT_EQ(j["tenants"][0]["wave"], "staging");
    EXPECT_EQ(j["tenants"][1]["slug"], "three");
    EXPECT_EQ(j["tenants"][1]["wave"], "canary");
    EXPECT_EQ(j["tenants"][2]["slug"], "one");
    EXPECT_EQ(j["tenants"][3]["slug"], "two");
    EXPECT_EQ(tenantIn(j, "one")["status"], "applied");
    EXPECT_EQ(tenantIn(j, "three")["status"], "applied");
    EXPECT_EQ(tenantIn(j, "two")["status"], "failed");
    EXPECT_NE(tenantIn(j, "two")["error"].get<std::string>().find("090_reason.sql"),
              std::string::npos);
    EXPECT_EQ(pending("two"), (std::vector<std::string>{"090_reason.sql", "091_more.sql"}));
    EXPECT_TRUE(pending("one").empty());
    EXPECT_TRUE(pending("one-staging").empty());
    EXPECT_NE(r.err.find("rerun to continue"), std::string::npos) << r;

    db().exec("DELETE FROM t_two.close_reasons WHERE name = 'spam'");
    auto again = cli({"migrate", "apply", "--all", "--unrehearsed", "--json"});
    ASSERT_EQ(again.rc, 0) << again;
    auto j2 = again.json();
    EXPECT_EQ(tenantIn(j2, "two")["status"], "applied");
    EXPECT_EQ(tenantIn(j2, "one")["status"], "up-to-date");
    EXPECT_TRUE(pending("two").empty());
}

TEST_F(ApplyTest, AFailingCanaryStopsTheRestOfTheRollout) {
    for (const char* slug : {"canary", "rest-a", "rest-b"})
        addTenant(slug);
    db().exec("INSERT INTO t_canary.close_reasons (name, description) VALUES ('spam', 'x')");
    writeStep("090_reason.sql",
              "INSERT INTO close_reasons (name, description) VALUES ('spam', 'Promotion');\n");
    auto r = cli({"migrate", "apply", "--all", "--unrehearsed", "--canary", "canary", "--json"});
    EXPECT_EQ(r.rc, 1) << r;
    auto j = r.json();
    EXPECT_EQ(tenantIn(j, "canary")["status"], "failed");
    EXPECT_EQ(tenantIn(j, "rest-a")["status"], "skipped");
    EXPECT_EQ(tenantIn(j, "rest-b")["status"], "skipped");
    EXPECT_EQ(pending("rest-a"), std::vector<std::string>{"090_reason.sql"});
    EXPECT_EQ(cli({"migrate", "apply", "--all", "--canary", "nosuch"}).rc, 1);
    EXPECT_EQ(cli({"migrate", "apply"}).rc, 2);
    EXPECT_EQ(cli({"migrate", "apply", "canary", "--max-lock-ms", "0"}).rc, 2);
}

TEST_F(ApplyTest, ContractStepsWaitForAnExplicitContractRun) {
    auto schema = addTenant("shrink");
    writeStep("090_add.sql", "CREATE TABLE new_things (id int);\n");
    writeStep("091_drop.sql", "-- agora:phase contract\n" + kTimeouts +
                                  "ALTER TABLE members DROP COLUMN last_seen_at;\n");
    writeStep("092_after.sql", "CREATE TABLE later_things (id int);\n");
    auto r = cli({"migrate", "apply", "shrink", "--unrehearsed", "--json"});
    ASSERT_EQ(r.rc, 0) << r;
    auto t = r.json()["tenants"][0];
    EXPECT_EQ(t["applied"], nlohmann::json::array({"090_add.sql"}));
    EXPECT_EQ(t["held_contract_steps"], nlohmann::json::array({"091_drop.sql", "092_after.sql"}));
    EXPECT_TRUE(columnExists(schema, "members", "last_seen_at"));
    ASSERT_EQ(cli({"migrate", "apply", "shrink", "--unrehearsed", "--contract"}).rc, 0);
    EXPECT_FALSE(columnExists(schema, "members", "last_seen_at"));
    EXPECT_TRUE(pending("shrink").empty());
}

}  // namespace agora::test
