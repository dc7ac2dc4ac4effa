// The linter's rules (what `agora migrate lint --rules` prints) and the function lists its
// volatile-default rule reads.
#include "migrate/LintSupport.h"
#include "migrate/MigrationLinter.h"

namespace agora::migrate {

namespace lint {

namespace {

const std::vector<LintRule> kRules = {
    {"index-not-concurrent",
     "CREATE INDEX (or a UNIQUE/PRIMARY KEY/EXCLUDE constraint, also written inline in ADD "
     "COLUMN, or REINDEX) on an existing table blocks every write to it until the index is built "
     "(ACCESS EXCLUSIVE for a constraint)",
     "use CREATE INDEX CONCURRENTLY in its own step marked `-- agora:no-transaction` (agora "
     "migrate apply drops an INVALID leftover and retries); for a constraint, build the unique "
     "index concurrently first, then ADD CONSTRAINT name UNIQUE USING INDEX idx"},
    {"concurrently-in-transaction",
     "CONCURRENTLY cannot run inside a transaction block, and every step runs in one unless "
     "marked otherwise",
     "mark the file `-- agora:no-transaction` and keep it to the concurrent statement (a failed "
     "no-transaction step is re-run from its first statement, so use IF NOT EXISTS)"},
    {"volatile-default",
     "ADD COLUMN with a volatile default (random(), gen_random_uuid(), clock_timestamp(), "
     "nextval(), a serial type or an identity) rewrites the whole table under an ACCESS "
     "EXCLUSIVE lock",
     "add the column with no default (or a constant one), SET DEFAULT for new rows, and fill "
     "existing rows with a batched backfill in a later step"},
    {"generated-column",
     "ADD COLUMN ... GENERATED ALWAYS AS (...) STORED rewrites the whole table under an ACCESS "
     "EXCLUSIVE lock",
     "add a plain column, keep it filled from the code or a trigger, and backfill existing rows "
     "in batches"},
    {"set-not-null",
     "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock unless a validated "
     "CHECK (col IS NOT NULL) already exists",
     "in an earlier step ADD CONSTRAINT col_not_null CHECK (col IS NOT NULL) NOT VALID, then "
     "VALIDATE CONSTRAINT col_not_null (doesn't block writes); SET NOT NULL in a later step is "
     "then instant"},
    {"constraint-not-valid",
     "ADD CONSTRAINT CHECK / FOREIGN KEY on an existing table (or CHECK / REFERENCES written "
     "inline in ADD COLUMN) checks every row while holding a lock that blocks writes",
     "add it with NOT VALID (checks new rows only), then VALIDATE CONSTRAINT in a later step: "
     "validation takes a lock that lets reads and writes through; for a new column, add it "
     "plain and ADD CONSTRAINT ... NOT VALID after"},
    {"type-change",
     "ALTER COLUMN ... TYPE rewrites the table (and its indexes) under an ACCESS EXCLUSIVE lock "
     "unless the types are binary-compatible",
     "add a column of the new type, backfill it in batches, switch the code, drop the old column "
     "in a contract step; if the change is binary-compatible (varchar(n) to text or to a larger "
     "n), opt out with that reason"},
    {"table-rewrite",
     "SET TABLESPACE, SET LOGGED/UNLOGGED, CLUSTER and VACUUM FULL rewrite the table under an "
     "ACCESS EXCLUSIVE lock",
     "do it out of band in a maintenance window, or copy into a new table online (shadow table "
     "with captured changes)"},
    {"backfill-with-ddl",
     "an UPDATE or DELETE of a table that an earlier ALTER TABLE in the same transactional step "
     "locked runs under that ACCESS EXCLUSIVE lock: nobody can read or write the table until "
     "the whole backfill commits",
     "move the backfill into its own later step and batch it by primary key (a few thousand rows "
     "per transaction)"},
    {"drop-outside-contract",
     "DROP TABLE / DROP COLUMN in an expand step breaks the code still running, which reads the "
     "dropped object until the deploy finishes",
     "stop using the object in the code first, then drop it in a step marked "
     "`-- agora:phase contract` (run with agora migrate apply --contract after the deploy)"},
    {"rename-outside-contract",
     "renaming a table or column breaks every running server that still uses the old name",
     "add the new column or table, write both, switch reads, then drop the old one in a step "
     "marked `-- agora:phase contract`"},
    {"missing-lock-timeout",
     "a statement that locks an existing table after the step switched lock_timeout off (RESET, "
     "DEFAULT) can queue behind a long transaction, and every query on that table then queues "
     "behind it",
     "leave lock_timeout to agora migrate apply (500 ms, retried with backoff) or set it to a "
     "few hundred milliseconds; never reset it in a step"},
    {"missing-statement-timeout",
     "a statement that locks an existing table after the step switched statement_timeout off "
     "(0, RESET, DEFAULT) can hold its locks for as long as the work takes",
     "leave statement_timeout to agora migrate apply (sized from the rehearsal) or set one; 0 "
     "only before CREATE INDEX CONCURRENTLY or a batched DO block"},
    {"lock-timeout-too-long",
     "SET lock_timeout to 0 or more than a few seconds: every query on the table queues behind "
     "the waiting statement for that long (agora migrate apply caps it at --max-lock-ms anyway)",
     "drop the SET (the applier's 500 ms with retries is the default) or keep it at 5 s or less"},
    {"validate-in-same-step",
     "VALIDATE CONSTRAINT of a constraint added earlier in the same transactional step scans "
     "the table under the lock the ADD took until the step commits: ACCESS EXCLUSIVE for a "
     "CHECK, SHARE ROW EXCLUSIVE on both tables for a FOREIGN KEY (writes blocked)",
     "ADD CONSTRAINT ... NOT VALID in one step, VALIDATE CONSTRAINT in a later step (it then "
     "takes SHARE UPDATE EXCLUSIVE: reads and writes go on)"},
    {"not-null-without-default",
     "ADD COLUMN ... NOT NULL without a DEFAULT fails on every tenant whose table has rows and "
     "succeeds on empty ones: a rollout that half-applies (an empty staging copy won't show it)",
     "add the column nullable (or NOT NULL with a constant DEFAULT), backfill it in batches, "
     "then CHECK (col IS NOT NULL) NOT VALID, VALIDATE, and SET NOT NULL in later steps"},
    {"drop-index-not-concurrent",
     "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table: "
     "reads and writes wait until it is gone",
     "DROP INDEX CONCURRENTLY IF EXISTS name in a step marked `-- agora:no-transaction`"},
    {"truncate",
     "TRUNCATE takes an ACCESS EXCLUSIVE lock and empties the table on every tenant; with "
     "CASCADE it silently empties every table that references it too",
     "DELETE the rows that must go in primary-key batches (a `-- agora:no-transaction` DO "
     "block); if the table is no longer used, drop it in a contract step"},
    {"drop-database", "DROP DATABASE in a migration destroys every tenant's data at once",
     "never from a migration: databases are created and dropped out of band"},
    {"detach-partition-not-concurrent",
     "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the partitioned "
     "table: every query on any partition waits",
     "ALTER TABLE parent DETACH PARTITION child CONCURRENTLY in a `-- agora:no-transaction` "
     "step (re-run DETACH PARTITION ... FINALIZE if it was interrupted)"},
    {"domain-check",
     "CREATE DOMAIN ... CHECK, ALTER DOMAIN ... ADD CONSTRAINT (without NOT VALID), VALIDATE "
     "CONSTRAINT and SET NOT NULL on a domain scan every column using the domain while holding a "
     "lock that blocks writes to each of those tables",
     "put the CHECK on the table columns (ADD CONSTRAINT ... NOT VALID, VALIDATE in a later "
     "step); a domain constraint may be added NOT VALID (checks new values only)"},
    {"transaction-control",
     "BEGIN, COMMIT, ROLLBACK, SAVEPOINT inside a step: a transactional step already runs in a "
     "transaction (COMMIT would end it half-way, before its ledger row), a no-transaction step "
     "runs statement by statement",
     "remove them; split work that must commit separately into steps, or batch it in a "
     "`-- agora:no-transaction` DO block"},
    {"concurrently-not-rerunnable",
     "CREATE/DROP INDEX CONCURRENTLY without IF [NOT] EXISTS in a no-transaction step: a failed "
     "step is re-run from its first statement, and the re-run stops at the index the first run "
     "already created or dropped",
     "write CREATE INDEX CONCURRENTLY IF NOT EXISTS / DROP INDEX CONCURRENTLY IF EXISTS"},
    {"shadow-scope",
     "a `-- agora:shadow TABLE` step runs its statements against a shadow copy of TABLE; a "
     "statement on another existing table would run against the live one, outside the copy",
     "keep only statements on TABLE in the step and put other changes in steps of their own"},
    {"allow-without-reason", "an opt-out must say why the statement is safe here",
     "write `-- agora:allow RULE_ID because <why this is safe here>`"},
    {"unknown-rule", "an opt-out names a rule that doesn't exist",
     "use one of the ids printed by agora migrate lint --rules"},
    {"bad-directive",
     "an `-- agora:` comment the tools don't understand is ignored, which is never what its "
     "author meant",
     "use -- agora:no-transaction, -- agora:phase expand|contract, -- agora:shadow TABLE or "
     "-- agora:allow RULE_ID because <reason>"},
};

}  // namespace

// Functions whose value changes per row: a default using one is evaluated for every existing
// row, which PostgreSQL does by rewriting the table.
const std::set<std::string> kVolatile = {"random",
                                         "random_normal",
                                         "gen_random_uuid",
                                         "uuid_generate_v1",
                                         "uuid_generate_v1mc",
                                         "uuid_generate_v4",
                                         "clock_timestamp",
                                         "timeofday",
                                         "nextval",
                                         "currval",
                                         "setval",
                                         "txid_current_if_assigned",
                                         "gen_random_bytes",
                                         "pg_backend_pid",
                                         "random_string"};

// Stable or immutable functions: evaluated once when the column is added and stored as the
// "missing value" in the catalog (PostgreSQL 11+), so no rewrite. now() is stable: existing rows
// all get the statement's timestamp, and the table is not rewritten (measured: relfilenode
// unchanged).
const std::set<std::string> kNonVolatile = {"now",
                                            "current_timestamp",
                                            "current_date",
                                            "localtimestamp",
                                            "localtime",
                                            "statement_timestamp",
                                            "transaction_timestamp",
                                            "lower",
                                            "upper",
                                            "coalesce",
                                            "nullif",
                                            "greatest",
                                            "least",
                                            "jsonb_build_object",
                                            "jsonb_build_array",
                                            "json_build_object",
                                            "json_build_array",
                                            "to_jsonb",
                                            "to_json",
                                            "array",
                                            "cast",
                                            "make_interval",
                                            "make_date",
                                            "make_timestamptz",
                                            "date_trunc",
                                            "concat",
                                            "length",
                                            "abs",
                                            "round",
                                            "trim",
                                            "replace",
                                            "substr",
                                            "substring",
                                            "timezone",
                                            "md5",
                                            "row",
                                            "jsonb",
                                            "interval",
                                            "array_fill",
                                            "current_setting",
                                            "current_user",
                                            "session_user",
                                            "left",
                                            "right"};

// Words followed by "(" that are type modifiers, not function calls.
const std::set<std::string> kTypeWords = {"numeric",   "decimal", "varchar",   "char",
                                          "character", "varying", "timestamp", "timestamptz",
                                          "time",      "bit",     "float",     "interval"};

}  // namespace lint

const std::vector<LintRule>& MigrationLinter::rules() {
    return lint::kRules;
}

const LintRule* MigrationLinter::rule(const std::string& id) {
    for (const auto& r : lint::kRules)
        if (r.id == id)
            return &r;
    return nullptr;
}

}  // namespace agora::migrate
