// `migrate rehearse` and `migrate apply` lint before they touch anything, with the same opt-outs
// as `migrate lint`; and the applier's defaults make a step with no SET lines safe: lock_timeout
// and a statement_timeout sized from the rehearsal, CONCURRENTLY refused inside a transaction.
#include "MigrateTest.h"
#include "migrate/OnlineApplier.h"

namespace agora::test {

namespace {

using migrate::ApplyOptions;
using migrate::OnlineApplier;

class LintGateTest : public MigrateTest {
protected:
    migrate::ApplyResult applyPending(const std::string& slug, ApplyOptions options = {}) {
        auto t = migrate::MigrationPlan::tenant(db(), slug);
        auto steps = plan().pending(db(), *t);
        return OnlineApplier(db(), options).apply(t->schema, steps);
    }
    int64_t ledgerRows(const std::string& schema) {
        return scalar("SELECT count(*) FROM network.schema_migrations WHERE target = '" + schema +
                      "' AND step LIKE '09%'");
    }
    int64_t tables(const std::string& schema, const std::string& name) {
        return scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema +
                      "' AND tablename = '" + name + "'");
    }
    // What the step saw: the row the step wrote into `name`.
    std::string seen(const std::string& schema, const std::string& name) {
        return text("SELECT st FROM " + schema + "." + name);
    }
};

}  // namespace

TEST_F(LintGateTest, ApplyAndRehearseRefuseADangerousStepBeforeAnythingRuns) {
    auto schema = addTenant("gate", "gate.test");
    addMember("gate", "gate_admin", "admin");
    // A harmless step first: refused with the rest, since the lint runs before anything.
    writeStep("090_table.sql", "CREATE TABLE gate_things (id int);\n");
    writeStep("091_index.sql", "CREATE INDEX members_display ON members (display_name);\n");
    auto indexes_before =
        scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema + "'");

    auto rehearse = cli({"migrate", "rehearse", "gate", "--json"});
    EXPECT_EQ(rehearse.rc, 1) << rehearse;
    auto report = rehearse.json();
    EXPECT_FALSE(report["ok"].get<bool>());
    ASSERT_EQ(report["lint"].size(), 1u) << report.dump(2);
    EXPECT_EQ(report["lint"][0]["rule"], "index-not-concurrent");
    EXPECT_EQ(report["lint"][0]["file"], "migrations/tenant/091_index.sql");
    EXPECT_FALSE(report["lint"][0]["fix"].get<std::string>().empty());
    // No staging copy made, nothing recorded as rehearsed.
    EXPECT_EQ(scalar("SELECT count(*) FROM network.tenants WHERE slug = 'gate-staging'"), 0);
    EXPECT_EQ(scalar("SELECT count(*) FROM network.rehearsals"), 0);
    auto human = cli({"migrate", "rehearse", "gate"});
    EXPECT_EQ(human.rc, 1);
    EXPECT_NE(human.out.find("091_index.sql:1: index-not-concurrent"), std::string::npos) << human;

    for (const auto& args : std::vector<std::vector<std::string>>{
             {"migrate", "apply", "gate", "--unrehearsed", "--json"},
             {"migrate", "apply", "--all", "--unrehearsed", "--json"}}) {
        auto apply = cli(args);
        EXPECT_EQ(apply.rc, 1) << apply;
        auto t = apply.json()["tenants"][0];
        EXPECT_EQ(t["status"], "refused") << t.dump(2);
        auto error = t["error"].get<std::string>();
        EXPECT_NE(error.find("refused by the lint"), std::string::npos) << error;
        EXPECT_NE(error.find("091_index.sql:1: index-not-concurrent"), std::string::npos) << error;
        EXPECT_NE(error.find("CONCURRENTLY"), std::string::npos) << error;  // the fix
    }
    // Nothing changed: no ledger rows, no table, no index.
    EXPECT_EQ(ledgerRows(schema), 0);
    EXPECT_EQ(tables(schema, "gate_things"), 0);
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema + "'"),
              indexes_before);

    // The same opt-out `migrate lint` honours lets apply through.
    writeStep("091_index.sql",
              "-- agora:allow index-not-concurrent because members holds a handful of rows\n"
              "CREATE INDEX members_display ON members (display_name);\n");
    auto apply = cli({"migrate", "apply", "gate", "--unrehearsed", "--json"});
    ASSERT_EQ(apply.rc, 0) << apply;
    EXPECT_EQ(apply.json()["tenants"][0]["status"], "applied");
    EXPECT_EQ(ledgerRows(schema), 2);
}

TEST_F(LintGateTest, AStepWithNoSetLinesGetsTheApplierTimeouts) {
    auto schema = addTenant("plain");
    writeStep("090_seen.sql",
              "CREATE TABLE seen_tx AS SELECT current_setting('lock_timeout') AS lt, "
              "current_setting('statement_timeout') AS st;\n");
    writeStep("091_own.sql",
              "SET LOCAL statement_timeout = '5s';\n"
              "CREATE TABLE seen_own AS SELECT current_setting('statement_timeout') AS st;\n");
    writeStep("092_notx.sql",
              "-- agora:no-transaction\n"
              "CREATE TABLE IF NOT EXISTS seen_notx AS "
              "SELECT current_setting('statement_timeout') AS st;\n"
              "DO $$BEGIN CREATE TABLE IF NOT EXISTS seen_do AS "
              "SELECT current_setting('statement_timeout') AS st; END$$;\n");
    ApplyOptions options;
    options.rehearsed_ms["091_own.sql"] = 40'000;  // the step's own SET wins anyway
    auto r = applyPending("plain", options);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(text("SELECT lt FROM " + schema + ".seen_tx"), "500ms");
    EXPECT_EQ(seen(schema, "seen_tx"), "1min");  // never rehearsed: the default
    EXPECT_EQ(r.steps.at(0).statement_timeout_ms, 60'000);
    EXPECT_EQ(r.steps.at(0).statement_timeout_source, "default");
    EXPECT_EQ(r.steps.at(1).statement_timeout_source, "step");
    EXPECT_EQ(r.steps.at(2).statement_timeout_source, "default");
    EXPECT_EQ(seen(schema, "seen_own"), "5s");
    EXPECT_EQ(seen(schema, "seen_notx"), "1min");
    EXPECT_EQ(seen(schema, "seen_do"), "0");  // a batched DO block may run long
    // Nothing leaks into the connection afterwards.
    EXPECT_EQ(text("SELECT current_setting('statement_timeout')"), "0");
}

TEST_F(LintGateTest, TheStatementTimeoutIsSizedFromTheStepsRehearsal) {
    auto schema = addTenant("sized");
    writeStep("090_seen.sql",
              "CREATE TABLE seen AS SELECT current_setting('statement_timeout') AS st;\n");
    // A rehearsal of this very file on a copy of today's size estimated 40 s on production.
    auto step = migrate::Migrator::makeStep(
        "090_seen.sql",
        "CREATE TABLE seen AS SELECT current_setting('statement_timeout') AS st;\n");
    db().q(
        "INSERT INTO network.rehearsals (target, staging_target, step, checksum, ok, report, "
        "table_bytes) VALUES ($1::text, $1::text, $2, $3, true, $4::jsonb, "
        "(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
        " JOIN pg_namespace n ON n.oid = c.relnamespace "
        " WHERE n.nspname = $1::text AND c.relkind IN ('r', 'p', 'm')))",
        schema, step.name, step.checksum, std::string(R"({"estimated_prod_ms": 40000})"));
    auto r = cli({"migrate", "apply", "sized", "--json"});
    ASSERT_EQ(r.rc, 0) << r;
    EXPECT_EQ(r.json()["tenants"][0]["steps"][0]["statement_timeout_ms"], 120'000) << r;
    EXPECT_EQ(r.json()["tenants"][0]["steps"][0]["statement_timeout_source"], "rehearsal");
    EXPECT_EQ(seen(schema, "seen"), "2min");  // three times the estimate
}

TEST_F(LintGateTest, ConcurrentlyInATransactionalStepIsRefusedNamingTheDirective) {
    auto schema = addTenant("conc");
    writeStep("090_index.sql",
              "CREATE TABLE conc_things (id int);\n"
              "CREATE INDEX CONCURRENTLY IF NOT EXISTS members_display ON members "
              "(display_name);\n");
    auto r = applyPending("conc");
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.steps.size(), 1u);
    EXPECT_NE(r.steps[0].error.find("add `-- agora:no-transaction`"), std::string::npos)
        << r.steps[0].error;
    EXPECT_EQ(r.steps[0].error_line, 2);
    EXPECT_EQ(r.steps[0].attempts, 0);  // nothing ran
    EXPECT_EQ(ledgerRows(schema), 0);
    EXPECT_EQ(tables(schema, "conc_things"), 0);
}

}  // namespace agora::test
