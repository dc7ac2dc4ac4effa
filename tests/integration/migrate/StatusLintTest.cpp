// `agora migrate status` and `agora migrate lint` through the real binary: what operators see.
#include <fstream>

#include "MigrateTest.h"

namespace agora::test {

namespace {

class StatusLintTest : public MigrateTest {};

nlohmann::json targetNamed(const nlohmann::json& status, const std::string& target) {
    for (const auto& t : status)
        if (t["target"] == target)
            return t;
    return nullptr;
}

std::string stateOf(const nlohmann::json& target, const std::string& step) {
    for (const auto& s : target["steps"])
        if (s["step"] == step)
            return s["state"];
    return "";
}

}  // namespace

TEST_F(StatusLintTest, StatusShowsAppliedPendingAndEditedStepsPerTarget) {
    addTenant("alpha");
    addTenant("beta");
    writeStep("090_extra.sql", "CREATE TABLE extra (id int);\n");
    // beta gets the new step, alpha doesn't.
    resetApp();
    migrate::Migrator::apply(db(), "t_beta", plan().tenantSteps());

    auto r = cli({"migrate", "status", "--json"});
    ASSERT_EQ(r.rc, 0) << r;
    auto status = r.json();
    ASSERT_EQ(status.size(), 3u) << status.dump(2);  // network, alpha, beta
    EXPECT_EQ(status[0]["target"], "network");
    EXPECT_EQ(status[0]["pending"], 0);
    auto alpha = targetNamed(status, "t_alpha");
    EXPECT_EQ(alpha["slug"], "alpha");
    EXPECT_EQ(alpha["pending"], 1);
    EXPECT_EQ(stateOf(alpha, "001_members.sql"), "applied");
    EXPECT_EQ(stateOf(alpha, "090_extra.sql"), "pending");
    EXPECT_EQ(targetNamed(status, "t_beta")["pending"], 0);

    // Editing an applied file shows up as such, and only for targets that applied it.
    writeStep("090_extra.sql", "CREATE TABLE extra (id bigint);\n");
    status = cli({"migrate", "status", "--json"}).json();
    EXPECT_EQ(stateOf(targetNamed(status, "t_beta"), "090_extra.sql"), "edited");
    EXPECT_EQ(stateOf(targetNamed(status, "t_alpha"), "090_extra.sql"), "pending");

    // Human output: one line per target, pending step names listed.
    auto text = cli({"migrate", "status"});
    ASSERT_EQ(text.rc, 0) << text;
    EXPECT_NE(text.out.find("alpha (t_alpha)"), std::string::npos) << text;
    EXPECT_NE(text.out.find("1 pending: 090_extra.sql"), std::string::npos) << text;
    EXPECT_NE(text.out.find("EDITED: 090_extra.sql"), std::string::npos) << text;

    // One tenant in detail.
    auto one = cli({"migrate", "status", "alpha"});
    ASSERT_EQ(one.rc, 0) << one;
    EXPECT_NE(one.out.find("090_extra.sql"), std::string::npos);
    EXPECT_EQ(one.out.find("t_beta"), std::string::npos);
    EXPECT_EQ(cli({"migrate", "status", "nosuch"}).rc, 1);
}

TEST_F(StatusLintTest, LintChecksOnlyPendingStepsByDefault) {
    addTenant("gamma");
    // Already applied everywhere: not linted even though it would fail today's rules.
    writeStep("090_old.sql", "CREATE INDEX old_idx ON members (username);\n");
    migrate::Migrator::apply(db(), "t_gamma", plan().tenantSteps());
    writeStep("091_index.sql",
              "SET lock_timeout = '500ms';\nSET statement_timeout = '1min';\n"
              "CREATE INDEX members_name ON members (display_name);\n");

    auto r = cli({"migrate", "lint", "--json"});
    EXPECT_EQ(r.rc, 1) << r;
    auto j = r.json();
    EXPECT_EQ(j["steps"], 1);  // only the pending one
    ASSERT_EQ(j["findings"].size(), 1u) << j.dump(2);
    EXPECT_EQ(j["findings"][0]["rule"], "index-not-concurrent");
    EXPECT_EQ(j["findings"][0]["file"], "migrations/tenant/091_index.sql");
    EXPECT_EQ(j["findings"][0]["line"], 3);

    auto text = cli({"migrate", "lint"});
    EXPECT_EQ(text.rc, 1);
    EXPECT_NE(text.out.find("migrations/tenant/091_index.sql:3: index-not-concurrent"),
              std::string::npos)
        << text;
    EXPECT_NE(text.out.find("fix: "), std::string::npos) << text;

    // The fixed step passes.
    writeStep("091_index.sql",
              "-- agora:no-transaction\nSET lock_timeout = '500ms';\nSET statement_timeout = 0;\n"
              "CREATE INDEX CONCURRENTLY IF NOT EXISTS members_name ON members (display_name);\n");
    auto ok = cli({"migrate", "lint"});
    EXPECT_EQ(ok.rc, 0) << ok;
    EXPECT_NE(ok.out.find("clean in 1 step"), std::string::npos) << ok;
    // --all reads applied steps too: the old one is reported now.
    auto all = cli({"migrate", "lint", "--all"});
    EXPECT_EQ(all.rc, 1) << all;
    EXPECT_NE(all.out.find("090_old.sql:1: index-not-concurrent"), std::string::npos) << all;
    EXPECT_EQ(all.out.find("091_index.sql"), std::string::npos) << all;
}

TEST_F(StatusLintTest, LintOfNamedFilesUsesTheirFolderAsContext) {
    auto dir = root() / "scratch";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "001_t.sql") << "CREATE TABLE t (a int);\n";
    std::ofstream(dir / "002_check.sql")
        << "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"
           "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;\n"
           "ALTER TABLE t VALIDATE CONSTRAINT a_nn;\n";
    std::ofstream(dir / "003_not_null.sql")
        << "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"
           "ALTER TABLE t ALTER COLUMN a SET NOT NULL;\n";
    auto r = cli({"migrate", "lint", (dir / "003_not_null.sql").string()});
    EXPECT_EQ(r.rc, 0) << r;

    std::ofstream(dir / "004_bad.sql") << "-- agora:allow type-change\n"
                                          "ALTER TABLE t ALTER COLUMN a TYPE bigint;\n";
    auto bad = cli({"migrate", "lint", "--json", (dir / "004_bad.sql").string()});
    EXPECT_EQ(bad.rc, 1) << bad;
    std::set<std::string> rules;
    auto findings = bad.json()["findings"];
    for (const auto& f : findings)
        rules.insert(f["rule"]);
    // No SET lines is fine: the applier supplies both timeouts.
    EXPECT_EQ(rules, (std::set<std::string>{"allow-without-reason", "type-change"}));
    EXPECT_EQ(cli({"migrate", "lint", "/nonexistent.sql"}).rc, 1);
    EXPECT_EQ(cli({"migrate", "lint", "--bogus"}).rc, 2);
}

}  // namespace agora::test
