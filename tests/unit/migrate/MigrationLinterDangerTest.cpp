// The dangers issue 19 asked the linter to know (each refused with its rule and fix, each safe
// rewrite accepted), the false alarms it had to drop, and a corpus of forms with the verdict
// each must get. Steps here carry no SET lines: the applier supplies the timeouts, so the
// minimal correct step is just the DDL.
#include <gtest/gtest.h>

#include <iostream>

#include "migrate/MigrationLinter.h"

using agora::migrate::LintFinding;
using agora::migrate::MigrationLinter;
using agora::migrate::Migrator;
using agora::migrate::Step;

namespace {

using Rules = std::vector<std::string>;

std::vector<LintFinding> lint(const std::string& sql) {
    return MigrationLinter::lintStep(Migrator::makeStep("010_x.sql", sql),
                                     "migrations/tenant/010_x.sql");
}

Rules errors(const std::string& sql) {
    Rules out;
    for (const auto& f : lint(sql))
        if (!f.allowed)
            out.push_back(f.rule);
    return out;
}

// Refused with exactly `rule`, and the finding carries that rule's fix.
void expectRefused(const std::string& sql, const std::string& rule) {
    auto f = lint(sql);
    ASSERT_EQ(f.size(), 1u) << sql;
    EXPECT_EQ(f[0].rule, rule) << sql;
    EXPECT_FALSE(f[0].allowed);
    ASSERT_NE(MigrationLinter::rule(rule), nullptr) << rule;
    EXPECT_EQ(f[0].fix, MigrationLinter::rule(rule)->fix);
    EXPECT_FALSE(f[0].message.empty());
}

const std::string kNoTx = "-- agora:no-transaction\n";

}  // namespace

TEST(MigrationLinterDanger, ValidateInTheStepThatAddedTheConstraint) {
    expectRefused(
        "ALTER TABLE posts ADD CONSTRAINT score_ok CHECK (score > -100) NOT VALID;\n"
        "ALTER TABLE posts VALIDATE CONSTRAINT score_ok;",
        "validate-in-same-step");
    auto f = lint(
        "ALTER TABLE posts ADD CONSTRAINT posts_author FOREIGN KEY (author_id) REFERENCES "
        "members (id) NOT VALID;\nALTER TABLE posts VALIDATE CONSTRAINT posts_author;");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule, "validate-in-same-step");
    EXPECT_EQ(f[0].line, 2);
    EXPECT_NE(f[0].message.find("SHARE ROW EXCLUSIVE"), std::string::npos) << f[0].message;

    // Safe: VALIDATE in a later step (or in a no-transaction step, where the ADD has committed).
    std::vector<Step> steps = {
        Migrator::makeStep("010_add.sql",
                           "ALTER TABLE posts ADD CONSTRAINT score_ok CHECK (score > -100) "
                           "NOT VALID;"),
        Migrator::makeStep("011_validate.sql", "ALTER TABLE posts VALIDATE CONSTRAINT score_ok;"),
    };
    EXPECT_EQ(MigrationLinter::lint(steps, {"010_add.sql", "011_validate.sql"}, "m").size(), 0u);
    EXPECT_EQ(
        errors(kNoTx + "ALTER TABLE posts ADD CONSTRAINT score_ok CHECK (score > -100) NOT VALID;\n"
                       "ALTER TABLE posts VALIDATE CONSTRAINT score_ok;"),
        Rules{});
}

TEST(MigrationLinterDanger, InlineUniqueOrPrimaryKeyInAddColumn) {
    expectRefused("ALTER TABLE posts ADD COLUMN slug text UNIQUE;", "index-not-concurrent");
    expectRefused("ALTER TABLE posts ADD COLUMN slug text CONSTRAINT posts_slug UNIQUE;",
                  "index-not-concurrent");
    expectRefused("ALTER TABLE posts ADD COLUMN uid bigint PRIMARY KEY;", "index-not-concurrent");
    // Safe: the column, then the index concurrently, then the constraint using it.
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN slug text;"), Rules{});
    EXPECT_EQ(errors(kNoTx + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS posts_slug ON posts "
                             "(slug);"),
              Rules{});
    EXPECT_EQ(errors("ALTER TABLE posts ADD CONSTRAINT posts_slug UNIQUE USING INDEX posts_slug;"),
              Rules{});
    // A CHECK mentioning "unique" in a string, or a new table, is not an index.
    EXPECT_EQ(errors("CREATE TABLE t (a text UNIQUE);\nALTER TABLE t ADD COLUMN b int UNIQUE;"),
              Rules{});
}

TEST(MigrationLinterDanger, NotNullColumnWithoutDefault) {
    expectRefused("ALTER TABLE posts ADD COLUMN lang text NOT NULL;", "not-null-without-default");
    // Each action of a multi-action ALTER is read on its own.
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN a int DEFAULT 0, ADD COLUMN lang text NOT "
                     "NULL;"),
              Rules{"not-null-without-default"});
    // Safe: a constant default, or nullable.
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN lang text NOT NULL DEFAULT 'en';"), Rules{});
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN lang text DEFAULT 'en' NOT NULL;"), Rules{});
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN lang text;"), Rules{});
    // A NOT NULL inside a CHECK is not the column's; the inline CHECK is refused for its scan.
    EXPECT_EQ(errors("ALTER TABLE posts ADD COLUMN lang text CHECK (lang IS NOT NULL);"),
              Rules{"constraint-not-valid"});
}

TEST(MigrationLinterDanger, DropIndexNeedsConcurrently) {
    expectRefused("DROP INDEX posts_score;", "drop-index-not-concurrent");
    expectRefused("DROP INDEX IF EXISTS posts_score, posts_title;", "drop-index-not-concurrent");
    EXPECT_EQ(errors(kNoTx + "DROP INDEX CONCURRENTLY IF EXISTS posts_score;"), Rules{});
    // An index made in the same step is the step's own business.
    EXPECT_EQ(errors("CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;"),
              Rules{});
}

TEST(MigrationLinterDanger, TruncateIsRefused) {
    expectRefused("TRUNCATE posts;", "truncate");
    expectRefused("TRUNCATE TABLE ONLY votes, posts RESTART IDENTITY;", "truncate");
    auto f = lint("TRUNCATE members CASCADE;");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].message.find("CASCADE empties every table that references it"),
              std::string::npos);
    // Safe: batched deletes in a no-transaction step (the linter doesn't look into DO bodies).
    EXPECT_EQ(errors(kNoTx + "DO $$BEGIN DELETE FROM drafts WHERE id < 1000; COMMIT; END$$;"),
              Rules{});
    EXPECT_EQ(errors("CREATE TABLE scratch (a int);\nTRUNCATE scratch;"), Rules{});
}

TEST(MigrationLinterDanger, DropDatabaseIsRefused) {
    expectRefused("DROP DATABASE agora;", "drop-database");
    EXPECT_EQ(errors("-- agora:phase contract\nDROP TABLE old_posts;"), Rules{});
}

TEST(MigrationLinterDanger, DetachPartitionNeedsConcurrently) {
    expectRefused("ALTER TABLE events DETACH PARTITION events_2024;",
                  "detach-partition-not-concurrent");
    EXPECT_EQ(errors(kNoTx + "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;"),
              Rules{});
    EXPECT_EQ(errors(kNoTx + "ALTER TABLE events DETACH PARTITION events_2024 FINALIZE;"), Rules{});
    // CONCURRENTLY still needs its no-transaction step.
    EXPECT_EQ(errors("ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;"),
              Rules{"concurrently-in-transaction"});
}

TEST(MigrationLinterDanger, DomainChecksScanEveryColumnUsingThem) {
    expectRefused("CREATE DOMAIN score AS int CHECK (VALUE > -1000);", "domain-check");
    expectRefused("ALTER DOMAIN score ADD CONSTRAINT score_min CHECK (VALUE > -1000);",
                  "domain-check");
    expectRefused("ALTER DOMAIN score VALIDATE CONSTRAINT score_min;", "domain-check");
    expectRefused("ALTER DOMAIN score SET NOT NULL;", "domain-check");
    EXPECT_EQ(errors("CREATE DOMAIN score AS int;"), Rules{});
    EXPECT_EQ(errors("ALTER DOMAIN score ADD CONSTRAINT score_min CHECK (VALUE > -1000) NOT "
                     "VALID;"),
              Rules{});
}

TEST(MigrationLinterDanger, TransactionControlInsideAStep) {
    for (const char* s : {"BEGIN;", "COMMIT;", "ROLLBACK;", "START TRANSACTION;", "END;",
                          "SAVEPOINT a;", "RELEASE SAVEPOINT a;"}) {
        expectRefused(std::string(s) + "\nALTER TABLE posts ADD COLUMN x text;",
                      "transaction-control");
        expectRefused(kNoTx + s, "transaction-control");
    }
    // COMMIT inside a DO body is a batch boundary, not the step's.
    EXPECT_EQ(errors(kNoTx + "DO $$BEGIN UPDATE posts SET x = 1 WHERE id < 10; COMMIT; END$$;"),
              Rules{});
}

TEST(MigrationLinterDanger, EveryStatementThatLocksAnExistingTableKeepsItsTimeouts) {
    // The applier sets both timeouts for every step; a step that switches one off leaves the
    // next statement locking an existing table without it — whatever that statement is.
    for (const char* stmt :
         {"TRUNCATE posts;", "CREATE TABLE likes (post_id bigint REFERENCES posts (id));",
          "VACUUM posts;", "COMMENT ON TABLE posts IS 'questions and answers';",
          "COMMENT ON COLUMN posts.score IS 'votes';", "ALTER TYPE post_type ADD VALUE 'wiki';",
          "ALTER TABLE posts ADD COLUMN x text;"}) {
        auto rules =
            errors(std::string("RESET lock_timeout;\nSET statement_timeout = 0;\n") + stmt);
        std::erase(rules, "truncate");
        EXPECT_EQ(rules, (Rules{"missing-lock-timeout", "missing-statement-timeout"})) << stmt;
        // With the applier's defaults (no SET lines) it is fine.
        auto plain = errors(stmt);
        std::erase(plain, "truncate");
        EXPECT_EQ(plain, Rules{}) << stmt;
    }
    auto f = lint("SET lock_timeout TO DEFAULT;\nCOMMENT ON TABLE posts IS 'x';");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule, "missing-lock-timeout");
    EXPECT_EQ(f[0].line, 2);
    EXPECT_NE(f[0].message.find("line 1"), std::string::npos) << f[0].message;
    // New tables, and references between new tables, lock nothing anyone uses.
    EXPECT_EQ(errors("RESET ALL;\nCREATE TABLE a (id int PRIMARY KEY);\n"
                     "CREATE TABLE b (a_id int REFERENCES a (id));\nCOMMENT ON TABLE b IS 'x';"),
              Rules{});
    // statement_timeout 0 is for concurrent builds and batched DO blocks.
    EXPECT_EQ(errors(kNoTx + "SET statement_timeout = 0;\n"
                             "CREATE INDEX CONCURRENTLY IF NOT EXISTS p_s ON posts (score);"),
              Rules{});
}

TEST(MigrationLinterDanger, ExplicitLockTimeoutStaysWithinAFewSeconds) {
    expectRefused("SET lock_timeout = '30s';\nALTER TABLE posts ADD COLUMN x text;",
                  "lock-timeout-too-long");
    expectRefused("SET LOCAL lock_timeout = 0;\nALTER TABLE posts ADD COLUMN x text;",
                  "lock-timeout-too-long");
    expectRefused("SELECT set_config('lock_timeout', '1min', true);", "lock-timeout-too-long");
    EXPECT_EQ(errors("SET lock_timeout = '5s';\nALTER TABLE posts ADD COLUMN x text;"), Rules{});
    EXPECT_EQ(errors("SET lock_timeout = 200;\nALTER TABLE posts ADD COLUMN x text;"), Rules{});
}

TEST(MigrationLinterDanger, ConcurrentIndexStepsMustBeRerunnable) {
    expectRefused(kNoTx + "CREATE INDEX CONCURRENTLY posts_score ON posts (score);",
                  "concurrently-not-rerunnable");
    expectRefused(kNoTx + "DROP INDEX CONCURRENTLY posts_score;", "concurrently-not-rerunnable");
    EXPECT_EQ(errors(kNoTx + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS posts_score ON posts "
                             "(score);"),
              Rules{});
    EXPECT_EQ(errors(kNoTx + "DROP INDEX CONCURRENTLY IF EXISTS posts_score;"), Rules{});
}

TEST(MigrationLinterDanger, ValidatedNotNullCheckThenSetNotNullInOneStep) {
    // 010 adds the check NOT VALID; 011 validates it and sets NOT NULL: PostgreSQL 12+ uses the
    // validated check and doesn't scan ("existing constraints are sufficient to prove ...").
    std::vector<Step> steps = {
        Migrator::makeStep("010_check.sql",
                           "ALTER TABLE posts ADD CONSTRAINT title_nn CHECK (title IS NOT NULL) "
                           "NOT VALID;"),
        Migrator::makeStep("011_not_null.sql",
                           "ALTER TABLE posts VALIDATE CONSTRAINT title_nn;\n"
                           "ALTER TABLE posts ALTER COLUMN title SET NOT NULL;\n"
                           "ALTER TABLE posts DROP CONSTRAINT title_nn;"),
    };
    EXPECT_EQ(MigrationLinter::lint(steps, {"011_not_null.sql"}, "m").size(), 0u);
    // A check on another column proves nothing about this one.
    steps[1] = Migrator::makeStep("011_not_null.sql",
                                  "ALTER TABLE posts VALIDATE CONSTRAINT title_nn;\n"
                                  "ALTER TABLE posts ALTER COLUMN body SET NOT NULL;");
    auto f = MigrationLinter::lint(steps, {"011_not_null.sql"}, "m");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rule, "set-not-null");
}

TEST(MigrationLinterDanger, VacuumFullFalseIsAPlainVacuum) {
    EXPECT_EQ(errors("VACUUM (FULL FALSE) posts;"), Rules{});
    EXPECT_EQ(errors("VACUUM (FULL off, ANALYZE) posts;"), Rules{});
    EXPECT_EQ(errors("VACUUM (ANALYZE, FULL 0) posts;"), Rules{});
    EXPECT_EQ(errors("VACUUM (FULL) posts;"), Rules{"table-rewrite"});
    EXPECT_EQ(errors("VACUUM (FULL TRUE, ANALYZE) posts;"), Rules{"table-rewrite"});
    EXPECT_EQ(errors("VACUUM FULL ANALYZE posts;"), Rules{"table-rewrite"});
    // A column called "full" is not the option.
    EXPECT_EQ(errors("VACUUM (ANALYZE) posts (full);"), Rules{});
}

TEST(MigrationLinterDanger, RefusalsAreWhatApplyAndRehearseCheck) {
    std::vector<Step> all = {
        Migrator::makeStep("010_ok.sql", "CREATE TABLE t (a int);"),
        Migrator::makeStep("011_bad.sql", "TRUNCATE posts;"),
        Migrator::makeStep("012_allowed.sql",
                           "-- agora:allow truncate because posts_cache is rebuilt at startup\n"
                           "TRUNCATE posts_cache;"),
    };
    auto found = MigrationLinter::refusals(all, {all[1], all[2]}, "migrations/tenant");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].file, "migrations/tenant/011_bad.sql");
    auto text = MigrationLinter::describe(found);
    EXPECT_NE(text.find("migrations/tenant/011_bad.sql:1: truncate: "), std::string::npos) << text;
    EXPECT_NE(text.find("fix: "), std::string::npos);
    EXPECT_TRUE(MigrationLinter::refusals(all, {all[0], all[2]}, "m").empty());
}

// A corpus of forms with the verdict each must get: the peer linter's dangers (refused), the
// safe rewrites and the forms that must not raise a false alarm (accepted). The totals are
// printed so a reviewer can quote them.
TEST(MigrationLinterDanger, Corpus) {
    struct Case {
        std::string sql;
        Rules expect;
    };
    const std::vector<Case> corpus = {
        // refused
        {"CREATE INDEX posts_score ON posts (score);", {"index-not-concurrent"}},
        {"CREATE UNIQUE INDEX posts_slug ON posts (slug);", {"index-not-concurrent"}},
        {"REINDEX TABLE posts;", {"index-not-concurrent"}},
        {"ALTER TABLE posts ADD CONSTRAINT posts_slug UNIQUE (slug);", {"index-not-concurrent"}},
        {"ALTER TABLE posts ADD PRIMARY KEY (id);", {"index-not-concurrent"}},
        {"ALTER TABLE posts ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&);",
         {"index-not-concurrent"}},
        {"ALTER TABLE posts ADD COLUMN slug text UNIQUE;", {"index-not-concurrent"}},
        {"ALTER TABLE posts ADD COLUMN uid bigint PRIMARY KEY;", {"index-not-concurrent"}},
        {"ALTER TABLE posts ADD COLUMN slug text CONSTRAINT s UNIQUE;", {"index-not-concurrent"}},
        {"CREATE INDEX CONCURRENTLY p ON posts (score);", {"concurrently-in-transaction"}},
        {"ALTER TABLE posts ADD COLUMN x uuid DEFAULT gen_random_uuid();", {"volatile-default"}},
        {"ALTER TABLE posts ADD COLUMN n bigserial;", {"volatile-default"}},
        {"ALTER TABLE posts ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;", {"volatile-default"}},
        {"ALTER TABLE posts ADD COLUMN w int GENERATED ALWAYS AS (length(body)) STORED;",
         {"generated-column"}},
        {"ALTER TABLE posts ALTER COLUMN title SET NOT NULL;", {"set-not-null"}},
        {"ALTER TABLE posts ADD CONSTRAINT c CHECK (score > 0);", {"constraint-not-valid"}},
        {"ALTER TABLE posts ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES members (id);",
         {"constraint-not-valid"}},
        {"ALTER TABLE posts ADD COLUMN by_id bigint REFERENCES members (id);",
         {"constraint-not-valid"}},
        {"ALTER TABLE posts ADD COLUMN n int CHECK (n > 0);", {"constraint-not-valid"}},
        {"ALTER TABLE posts ALTER COLUMN score TYPE bigint;", {"type-change"}},
        {"ALTER TABLE posts SET TABLESPACE fast;", {"table-rewrite"}},
        {"ALTER TABLE posts SET LOGGED;", {"table-rewrite"}},
        {"CLUSTER posts USING posts_pkey;", {"table-rewrite"}},
        {"VACUUM FULL posts;", {"table-rewrite"}},
        {"ALTER TABLE posts ADD COLUMN k int;\nUPDATE posts SET k = 0;", {"backfill-with-ddl"}},
        {"ALTER TABLE posts DROP COLUMN legacy;", {"drop-outside-contract"}},
        {"DROP TABLE old_posts;", {"drop-outside-contract"}},
        {"ALTER TABLE posts RENAME COLUMN body TO markdown;", {"rename-outside-contract"}},
        {"ALTER TABLE posts RENAME TO entries;", {"rename-outside-contract"}},
        {"ALTER TABLE posts ADD CONSTRAINT c CHECK (score > 0) NOT VALID;\n"
         "ALTER TABLE posts VALIDATE CONSTRAINT c;",
         {"validate-in-same-step"}},
        {"ALTER TABLE posts ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES members (id) NOT VALID;\n"
         "ALTER TABLE posts VALIDATE CONSTRAINT f;",
         {"validate-in-same-step"}},
        {"ALTER TABLE posts ADD COLUMN lang text NOT NULL;", {"not-null-without-default"}},
        {"DROP INDEX posts_score;", {"drop-index-not-concurrent"}},
        {"TRUNCATE posts;", {"truncate"}},
        {"TRUNCATE members CASCADE;", {"truncate"}},
        {"DROP DATABASE agora;", {"drop-database"}},
        {"ALTER TABLE events DETACH PARTITION events_2024;", {"detach-partition-not-concurrent"}},
        {"CREATE DOMAIN score AS int CHECK (VALUE > 0);", {"domain-check"}},
        {"ALTER DOMAIN score ADD CONSTRAINT c CHECK (VALUE > 0);", {"domain-check"}},
        {"BEGIN;\nALTER TABLE posts ADD COLUMN x text;\nCOMMIT;",
         {"transaction-control", "transaction-control"}},
        {"RESET lock_timeout;\nCOMMENT ON TABLE posts IS 'x';", {"missing-lock-timeout"}},
        {"SET statement_timeout = 0;\nALTER TYPE kind ADD VALUE 'wiki';",
         {"missing-statement-timeout"}},
        {"SET lock_timeout = '1min';\nALTER TABLE posts ADD COLUMN x text;",
         {"lock-timeout-too-long"}},
        {kNoTx + "CREATE INDEX CONCURRENTLY p ON posts (score);", {"concurrently-not-rerunnable"}},
        {kNoTx + "DROP INDEX CONCURRENTLY p;", {"concurrently-not-rerunnable"}},
        // accepted
        {kNoTx + "CREATE INDEX CONCURRENTLY IF NOT EXISTS p ON posts (score);", {}},
        {kNoTx + "DROP INDEX CONCURRENTLY IF EXISTS p;", {}},
        {kNoTx + "REINDEX INDEX CONCURRENTLY p;", {}},
        {"ALTER TABLE posts ADD CONSTRAINT s UNIQUE USING INDEX s;", {}},
        {"ALTER TABLE posts ADD COLUMN x text;", {}},
        {"ALTER TABLE posts ADD COLUMN n int NOT NULL DEFAULT 0;", {}},
        {"ALTER TABLE posts ADD COLUMN seen timestamptz DEFAULT now();", {}},
        {"ALTER TABLE posts ALTER COLUMN x SET DEFAULT gen_random_uuid();", {}},
        {"ALTER TABLE posts ADD CONSTRAINT c CHECK (score > 0) NOT VALID;", {}},
        {"ALTER TABLE posts ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES members (id) NOT VALID;",
         {}},
        {"ALTER TABLE posts VALIDATE CONSTRAINT c;", {}},
        {"ALTER TABLE posts DROP CONSTRAINT c;", {}},
        {"-- agora:phase contract\nALTER TABLE posts DROP COLUMN legacy;", {}},
        {"-- agora:phase contract\nDROP TABLE old_posts;", {}},
        {"CREATE TABLE t (id bigint PRIMARY KEY, a int NOT NULL UNIQUE);\n"
         "CREATE INDEX t_a ON t (a);\nALTER TABLE t ADD COLUMN b int NOT NULL;",
         {}},
        {"CREATE TABLE likes (post_id bigint REFERENCES posts (id));", {}},
        {"VACUUM posts;", {}},
        {"VACUUM (FULL FALSE) posts;", {}},
        {"VACUUM (FULL off, ANALYZE) posts;", {}},
        {"ANALYZE posts;", {}},
        {"COMMENT ON TABLE posts IS 'x';", {}},
        {"ALTER TYPE kind ADD VALUE IF NOT EXISTS 'wiki';", {}},
        {"CREATE DOMAIN score AS int;", {}},
        {"ALTER DOMAIN score ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;", {}},
        {kNoTx + "ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;", {}},
        {kNoTx + "DO $$BEGIN DELETE FROM d WHERE id < 10; COMMIT; END$$;", {}},
        {"SET lock_timeout = '2s';\nALTER TABLE posts ADD COLUMN x text;", {}},
        {"SET statement_timeout = '30s';\nALTER TABLE posts ADD COLUMN x text;", {}},
        {"INSERT INTO close_reasons (name) VALUES ('spam');", {}},
        {"UPDATE posts SET k = 0 WHERE id < 1000;", {}},
        {"CREATE TABLE t (a int);\nTRUNCATE t;", {}},
    };
    // Forms validated then made NOT NULL across steps (not a single-file form).
    int refused = 0, accepted = 0;
    for (const auto& c : corpus) {
        EXPECT_EQ(errors(c.sql), c.expect) << c.sql;
        (c.expect.empty() ? accepted : refused) += 1;
    }
    std::vector<Step> steps = {
        Migrator::makeStep("010_check.sql",
                           "ALTER TABLE posts ADD CONSTRAINT nn CHECK (title IS NOT NULL) NOT "
                           "VALID;"),
        Migrator::makeStep("011_not_null.sql",
                           "ALTER TABLE posts VALIDATE CONSTRAINT nn;\n"
                           "ALTER TABLE posts ALTER COLUMN title SET NOT NULL;"),
    };
    EXPECT_TRUE(MigrationLinter::lint(steps, {"010_check.sql", "011_not_null.sql"}, "m").empty());
    accepted += 1;
    std::cout << "[ corpus ] " << refused << " forms refused, " << accepted << " forms accepted, "
              << MigrationLinter::rules().size() << " rules\n";
}
