#include "migrate/MigrationLinter.h"

#include <gtest/gtest.h>

#include <filesystem>

using agora::migrate::LintFinding;
using agora::migrate::MigrationLinter;
using agora::migrate::Migrator;
using agora::migrate::Step;

namespace {

// Timeouts every step that touches an existing table must set; most examples start with them so
// that each test exercises exactly one rule.
const std::string kTimeouts = "SET lock_timeout = '500ms';\nSET statement_timeout = '5min';\n";

std::vector<LintFinding> lint(const std::string& sql, const std::string& name = "002_x.sql") {
    return MigrationLinter::lintStep(Migrator::makeStep(name, sql), "migrations/tenant/" + name);
}

// Rules fired and not opted out.
std::vector<std::string> errors(const std::vector<LintFinding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings)
        if (!f.allowed)
            out.push_back(f.rule);
    return out;
}

std::vector<std::string> errors(const std::string& sql) {
    return errors(lint(sql));
}

using Rules = std::vector<std::string>;

}  // namespace

TEST(MigrationLinter, ShippedMigrationsLintClean) {
    // This file sits in tests/unit/ of the checkout.
    auto root =
        std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
        "migrations";
    ASSERT_TRUE(std::filesystem::exists(root / "tenant")) << root;
    std::vector<std::filesystem::path> folders = {root / "network", root / "tenant"};
    auto plugins = root.parent_path() / "plugins";
    if (std::filesystem::is_directory(plugins))
        for (const auto& e : std::filesystem::directory_iterator(plugins))
            if (std::filesystem::is_directory(e.path() / "migrations"))
                folders.push_back(e.path() / "migrations");
    for (const auto& folder : folders) {
        auto steps = Migrator::loadSteps(folder);
        std::set<std::string> all;
        for (const auto& s : steps)
            all.insert(s.name);
        auto findings = MigrationLinter::lint(steps, all, folder.string());
        for (const auto& f : findings)
            ADD_FAILURE() << f.file << ":" << f.line << ": " << f.rule << ": " << f.message;
    }
}

TEST(MigrationLinter, IndexOnExistingTableNeedsConcurrently) {
    auto f = lint(kTimeouts + "\nCREATE INDEX posts_score ON posts (score);\n");
    ASSERT_EQ(errors(f), Rules{"index-not-concurrent"});
    EXPECT_EQ(f[0].file, "migrations/tenant/002_x.sql");
    EXPECT_EQ(f[0].line, 4);
    EXPECT_NE(f[0].fix.find("CONCURRENTLY"), std::string::npos);
    EXPECT_NE(f[0].statement.find("CREATE INDEX posts_score"), std::string::npos);

    EXPECT_EQ(errors("-- agora:no-transaction\n" + kTimeouts +
                     "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_score ON posts (score);"),
              Rules{});
    // A table created in the same step is empty: index it any way you like.
    EXPECT_EQ(errors("CREATE TABLE posts (id bigint);\nCREATE INDEX posts_id ON posts (id);"),
              Rules{});
    EXPECT_EQ(errors("CREATE TABLE network.hosts (h text);\n"
                     "CREATE UNIQUE INDEX hosts_h ON network.hosts (h);"),
              Rules{});
}

TEST(MigrationLinter, UniqueConstraintNeedsAPrebuiltIndex) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD CONSTRAINT posts_slug UNIQUE (slug);"),
              Rules{"index-not-concurrent"});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD PRIMARY KEY (id);"),
              Rules{"index-not-concurrent"});
    EXPECT_EQ(errors(kTimeouts +
                     "ALTER TABLE posts ADD CONSTRAINT posts_slug UNIQUE USING INDEX posts_slug;"),
              Rules{});
}

TEST(MigrationLinter, ReindexNeedsConcurrently) {
    EXPECT_EQ(errors(kTimeouts + "REINDEX INDEX posts_score;"), Rules{"index-not-concurrent"});
    EXPECT_EQ(
        errors("-- agora:no-transaction\n" + kTimeouts + "REINDEX INDEX CONCURRENTLY posts_score;"),
        Rules{});
}

TEST(MigrationLinter, ConcurrentlyNeedsANoTransactionStep) {
    EXPECT_EQ(errors(kTimeouts + "CREATE INDEX CONCURRENTLY posts_score ON posts (score);"),
              Rules{"concurrently-in-transaction"});
    EXPECT_EQ(errors(kTimeouts + "DROP INDEX CONCURRENTLY posts_score;"),
              Rules{"concurrently-in-transaction"});
    EXPECT_EQ(errors("-- agora:no-transaction\n" + kTimeouts +
                     "DROP INDEX CONCURRENTLY IF EXISTS posts_score;"),
              Rules{});
}

TEST(MigrationLinter, VolatileDefaultsRewrite) {
    for (const char* def : {"random()", "gen_random_uuid()", "clock_timestamp()",
                            "nextval('posts_seq')", "timeofday()::timestamptz"}) {
        EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD COLUMN x text DEFAULT " + def + ";"),
                  Rules{"volatile-default"})
            << def;
    }
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD COLUMN n bigserial;"),
              Rules{"volatile-default"});
    EXPECT_EQ(
        errors(kTimeouts + "ALTER TABLE posts ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;"),
        Rules{"volatile-default"});
    // A function the linter cannot classify is refused too: it can't prove there's no rewrite.
    auto f = lint(kTimeouts + "ALTER TABLE posts ADD COLUMN x text DEFAULT my_func();");
    ASSERT_EQ(errors(f), Rules{"volatile-default"});
    EXPECT_NE(f[0].message.find("volatility unknown"), std::string::npos);
}

TEST(MigrationLinter, ConstantAndStableDefaultsAreMetadataOnly) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD COLUMN score integer NOT NULL DEFAULT 0;"),
              Rules{});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD COLUMN meta jsonb DEFAULT '{}'::jsonb, "
                                 "ADD COLUMN price numeric(10, 2) DEFAULT 0::numeric(10, 2);"),
              Rules{});
    // now() is STABLE: PostgreSQL stores one value in the catalog instead of rewriting.
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD COLUMN seen timestamptz DEFAULT now();"),
              Rules{});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD COLUMN x text;"), Rules{});
    // Setting a volatile default for new rows only is fine.
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ALTER COLUMN x SET DEFAULT gen_random_uuid();"),
              Rules{});
}

TEST(MigrationLinter, StoredGeneratedColumnsRewrite) {
    EXPECT_EQ(
        errors(kTimeouts +
               "ALTER TABLE posts ADD COLUMN words int GENERATED ALWAYS AS (length(body)) STORED;"),
        Rules{"generated-column"});
    EXPECT_EQ(errors("CREATE TABLE p (body text, words int GENERATED ALWAYS AS (length(body)) "
                     "STORED);"),
              Rules{});
}

TEST(MigrationLinter, SetNotNullNeedsAValidatedCheckInAnEarlierStep) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ALTER COLUMN title SET NOT NULL;"),
              Rules{"set-not-null"});
    // Added and validated in the same step: the validation scans under the ADD's ACCESS
    // EXCLUSIVE lock. That is the finding (SET NOT NULL itself then uses the check).
    EXPECT_EQ(
        errors(kTimeouts + "ALTER TABLE posts ADD CONSTRAINT title_nn CHECK (title IS NOT NULL) "
                           "NOT VALID;\nALTER TABLE posts VALIDATE CONSTRAINT title_nn;\n"
                           "ALTER TABLE posts ALTER COLUMN title SET NOT NULL;"),
        Rules{"validate-in-same-step"});

    std::vector<Step> steps = {
        Migrator::makeStep("001_posts.sql", "CREATE TABLE posts (title text);"),
        Migrator::makeStep("002_check.sql",
                           kTimeouts +
                               "ALTER TABLE posts ADD CONSTRAINT title_nn CHECK (title IS NOT "
                               "NULL) NOT VALID;"),
        Migrator::makeStep("003_validate.sql",
                           kTimeouts + "ALTER TABLE posts VALIDATE CONSTRAINT title_nn;"),
        Migrator::makeStep("004_not_null.sql",
                           kTimeouts + "ALTER TABLE posts ALTER COLUMN title SET NOT NULL;"),
        Migrator::makeStep("005_other.sql",
                           kTimeouts + "ALTER TABLE posts ALTER COLUMN body SET NOT NULL;"),
    };
    auto f = MigrationLinter::lint(steps, {"004_not_null.sql", "005_other.sql"}, "m");
    ASSERT_EQ(errors(f), Rules{"set-not-null"});
    EXPECT_EQ(f[0].file, "m/005_other.sql");

    // An unvalidated check proves nothing.
    steps.erase(steps.begin() + 2);
    EXPECT_EQ(errors(MigrationLinter::lint(steps, {"004_not_null.sql"}, "m")),
              Rules{"set-not-null"});
}

TEST(MigrationLinter, ConstraintsOnExistingTablesNeedNotValid) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD CONSTRAINT score_ok CHECK (score > -100);"),
              Rules{"constraint-not-valid"});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ADD CONSTRAINT posts_author FOREIGN KEY "
                                 "(author_id) REFERENCES members (id);"),
              Rules{"constraint-not-valid"});
    EXPECT_EQ(errors(kTimeouts +
                     "ALTER TABLE posts ADD CONSTRAINT score_ok CHECK (score > -100) NOT VALID;\n"
                     "ALTER TABLE posts ADD CONSTRAINT posts_author FOREIGN KEY (author_id) "
                     "REFERENCES members (id) NOT VALID;"),
              Rules{});
    // VALIDATE belongs in a later step (validate-in-same-step); in its own step it is fine.
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts VALIDATE CONSTRAINT score_ok;"), Rules{});
    EXPECT_EQ(errors("CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT a_ok CHECK (a > 0);"),
              Rules{});
}

TEST(MigrationLinter, TypeChangesRewrite) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ALTER COLUMN score TYPE bigint;"),
              Rules{"type-change"});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts ALTER score SET DATA TYPE bigint;"),
              Rules{"type-change"});
    EXPECT_EQ(
        errors(kTimeouts +
               "-- agora:allow type-change because varchar(100) to text is binary-compatible\n"
               "ALTER TABLE posts ALTER COLUMN title TYPE text;"),
        Rules{});
}

TEST(MigrationLinter, RewritingMaintenanceIsRefused) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts SET TABLESPACE fast;"), Rules{"table-rewrite"});
    EXPECT_EQ(errors(kTimeouts + "VACUUM FULL posts;"), Rules{"table-rewrite"});
    EXPECT_EQ(errors(kTimeouts + "VACUUM posts;"), Rules{});
}

TEST(MigrationLinter, BackfillsDontRunUnderTheAltersLock) {
    auto f = lint(kTimeouts +
                  "ALTER TABLE members ADD COLUMN karma integer;\n"
                  "UPDATE members SET karma = 0 WHERE karma IS NULL;\n");
    ASSERT_EQ(errors(f), Rules{"backfill-with-ddl"});
    EXPECT_EQ(f[0].line, 4);
    EXPECT_NE(f[0].message.find("line 3"), std::string::npos) << f[0].message;
    // In its own step (or a no-transaction one, where each statement commits) it's fine.
    EXPECT_EQ(errors(kTimeouts + "UPDATE members SET karma = 0 WHERE id < 1000;"), Rules{});
    EXPECT_EQ(errors("-- agora:no-transaction\n" + kTimeouts +
                     "ALTER TABLE members ADD COLUMN karma integer;\n"
                     "DELETE FROM members WHERE karma < 0;\n"),
              Rules{});
    // Filling a table created in the same step is fine too.
    EXPECT_EQ(errors("CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\n"
                     "UPDATE t SET b = a;"),
              Rules{});
}

TEST(MigrationLinter, AShadowStepMayRewriteItsTableButNothingElse) {
    std::string body =
        "ALTER TABLE posts ALTER COLUMN score TYPE bigint;\n"
        "ALTER TABLE posts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n"
        "CREATE INDEX posts_token ON posts (token);\n";
    EXPECT_EQ(errors("-- agora:shadow posts\n" + body), Rules{});
    auto step = Migrator::makeStep("x.sql", "-- agora:shadow posts\n" + body);
    EXPECT_EQ(step.shadow_table, "posts");
    // Without the directive every statement is refused.
    EXPECT_EQ(errors(kTimeouts + body),
              (Rules{"type-change", "volatile-default", "index-not-concurrent"}));
    // Another table in a shadow step would be changed live.
    EXPECT_EQ(errors("-- agora:shadow posts\n" + body +
                     "ALTER TABLE members ALTER COLUMN karma TYPE bigint;\n"),
              (Rules{"shadow-scope", "type-change"}));
    // Dropping columns still breaks running code, shadow or not.
    EXPECT_EQ(errors("-- agora:shadow posts\nALTER TABLE posts DROP COLUMN legacy;\n"),
              Rules{"drop-outside-contract"});
    EXPECT_EQ(errors("-- agora:shadow\nSELECT 1;"), Rules{"bad-directive"});
}

TEST(MigrationLinter, DropsAndRenamesOnlyInContractSteps) {
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts DROP COLUMN legacy;"),
              Rules{"drop-outside-contract"});
    EXPECT_EQ(errors(kTimeouts + "DROP TABLE IF EXISTS old_posts;"),
              Rules{"drop-outside-contract"});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts RENAME COLUMN body TO markdown;"),
              Rules{"rename-outside-contract"});
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts RENAME TO entries;"),
              Rules{"rename-outside-contract"});

    EXPECT_EQ(errors("-- agora:phase contract\n" + kTimeouts +
                     "ALTER TABLE posts DROP COLUMN legacy;\nDROP TABLE old_posts;\n"
                     "ALTER TABLE posts RENAME COLUMN body TO markdown;"),
              Rules{});
    // Dropping a constraint or a table made in the same step is not a contract change.
    EXPECT_EQ(errors(kTimeouts + "ALTER TABLE posts DROP CONSTRAINT score_ok;"), Rules{});
    EXPECT_EQ(errors("CREATE TABLE scratch (a int);\nDROP TABLE scratch;"), Rules{});
    EXPECT_EQ(Migrator::makeStep("x.sql", "-- agora:phase contract\nSELECT 1;").phase, "contract");
}

TEST(MigrationLinter, AlteringAnExistingTableNeedsBothTimeouts) {
    // The applier supplies lock_timeout and statement_timeout to every step: the DDL alone is a
    // correct step. What the lint refuses is a step that switches one off before it.
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN x text;"), Rules{});
    auto f = lint(
        "RESET lock_timeout;\nRESET statement_timeout;\n"
        "ALTER TABLE posts ADD COLUMN x text;");
    EXPECT_EQ(errors(f), (Rules{"missing-lock-timeout", "missing-statement-timeout"}));
    EXPECT_EQ(f[0].line, 3);
    EXPECT_EQ(errors("SET LOCAL lock_timeout TO '1s';\nSET statement_timeout = 0;\n"
                     "ALTER TABLE posts ADD COLUMN x text;"),
              Rules{"missing-statement-timeout"});
    EXPECT_EQ(errors("SELECT set_config('lock_timeout', '1s', true);\n"
                     "SET statement_timeout = '1min';\nALTER TABLE posts ADD COLUMN x text;"),
              Rules{});
    // Switched off after the ALTER: the ALTER had the applier's timeouts.
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN x text;\nRESET ALL;"), Rules{});
    // New tables need no timeouts.
    EXPECT_EQ(errors("RESET ALL;\nCREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;"),
              Rules{});
}

TEST(MigrationLinter, OptOutsNeedAReasonAndAKnownRule) {
    std::string alter = "ALTER TABLE posts ALTER COLUMN score TYPE bigint;";
    // On the line before the statement.
    auto f = lint(kTimeouts +
                  "-- agora:allow type-change because posts is empty on every tenant\n" + alter);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_TRUE(f[0].allowed);
    EXPECT_EQ(f[0].reason, "posts is empty on every tenant");
    EXPECT_EQ(MigrationLinter::errorCount(f), 0u);

    // In the header: the whole file.
    EXPECT_EQ(errors("-- agora:allow type-change,missing-lock-timeout because tiny table\n"
                     "SET statement_timeout = '1s';\n" +
                     alter + "\n" + alter),
              Rules{});

    // Only the next statement, not later ones.
    EXPECT_EQ(
        errors(kTimeouts + "-- agora:allow type-change because tiny\n" + alter + "\n" + alter),
        Rules{"type-change"});

    EXPECT_EQ(errors(kTimeouts + "-- agora:allow type-change\n" + alter),
              (Rules{"allow-without-reason", "type-change"}));
    EXPECT_EQ(errors(kTimeouts + "-- agora:allow type-change because\n" + alter),
              (Rules{"allow-without-reason", "type-change"}));
    EXPECT_EQ(errors(kTimeouts + "-- agora:allow type-chnage because typo\n" + alter),
              (Rules{"unknown-rule", "type-change"}));
}

TEST(MigrationLinter, MisspelledDirectivesAreErrors) {
    EXPECT_EQ(errors("-- agora:no-transation\nCREATE TABLE t (a int);"), Rules{"bad-directive"});
    EXPECT_EQ(errors("-- agora:phase contracts\nCREATE TABLE t (a int);"), Rules{"bad-directive"});
    EXPECT_EQ(errors("-- agora:phase expand\n-- agora:no-transaction\nCREATE TABLE t (a int);"),
              Rules{});
}

TEST(MigrationLinter, EveryRuleHasAFixAndIsTested) {
    for (const auto& r : MigrationLinter::rules()) {
        EXPECT_FALSE(r.summary.empty()) << r.id;
        EXPECT_FALSE(r.fix.empty()) << r.id;
    }
    EXPECT_EQ(MigrationLinter::rule("nope"), nullptr);
}
