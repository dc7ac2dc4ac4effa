#include "migrate/MigrationLinter.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "migrate/SqlScript.h"

namespace agora::migrate {

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

std::string firstLine(const std::string& sql) {
    auto nl = sql.find('\n');
    std::string s = nl == std::string::npos ? sql : sql.substr(0, nl) + " ...";
    if (s.size() > 120)
        s = s.substr(0, 117) + "...";
    return s;
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    return s.substr(b);
}

// Walks a statement's tokens.
class Cursor {
public:
    Cursor(const std::vector<SqlToken>& tokens, size_t begin = 0, size_t end = SIZE_MAX)
        : t_(tokens), i_(begin), end_(std::min(end, tokens.size())) {}

    bool done() const { return i_ >= end_; }
    size_t pos() const { return i_; }
    const SqlToken* peek(size_t k = 0) const { return i_ + k < end_ ? &t_[i_ + k] : nullptr; }
    bool at(std::string_view kw, size_t k = 0) const {
        auto p = peek(k);
        return p && p->is(kw);
    }
    bool accept(std::string_view kw) {
        if (!at(kw))
            return false;
        ++i_;
        return true;
    }
    bool acceptSeq(std::initializer_list<std::string_view> kws) {
        size_t k = 0;
        for (auto kw : kws)
            if (!at(kw, k++))
                return false;
        i_ += kws.size();
        return true;
    }
    bool acceptPunct(std::string_view p) {
        if (done() || !t_[i_].punct(p))
            return false;
        ++i_;
        return true;
    }
    void skip(size_t k = 1) { i_ = std::min(i_ + k, end_); }
    // schema.name or name; returns the last part (what the table is called in its schema).
    std::optional<std::string> name() {
        if (done() || !t_[i_].ident())
            return std::nullopt;
        std::string n = t_[i_++].name();
        while (i_ + 1 < end_ && t_[i_].punct(".") && t_[i_ + 1].ident()) {
            n = t_[i_ + 1].name();
            i_ += 2;
        }
        return n;
    }
    // Skips a parenthesised group starting at the current "(".
    void skipGroup() {
        if (done() || !t_[i_].punct("("))
            return;
        int depth = 0;
        for (; i_ < end_; ++i_) {
            if (t_[i_].punct("("))
                ++depth;
            else if (t_[i_].punct(")") && --depth == 0) {
                ++i_;
                return;
            }
        }
    }

private:
    const std::vector<SqlToken>& t_;
    size_t i_;
    size_t end_;
};

// Splits [begin, end) at top-level commas (ALTER TABLE's action list).
std::vector<std::pair<size_t, size_t>> splitActions(const std::vector<SqlToken>& t, size_t begin) {
    std::vector<std::pair<size_t, size_t>> out;
    int depth = 0;
    size_t start = begin;
    for (size_t i = begin; i < t.size(); ++i) {
        if (t[i].punct("("))
            ++depth;
        else if (t[i].punct(")"))
            --depth;
        else if (t[i].punct(",") && depth == 0) {
            out.emplace_back(start, i);
            start = i + 1;
        }
    }
    if (start < t.size())
        out.emplace_back(start, t.size());
    return out;
}

bool containsWord(const std::vector<SqlToken>& t, size_t b, size_t e, std::string_view kw) {
    for (size_t i = b; i < e && i < t.size(); ++i)
        if (t[i].is(kw))
            return true;
    return false;
}

// What earlier statements established about the schema, across steps.
struct Knowledge {
    // CHECK (col IS NOT NULL) constraints by name: table, column, validated?
    struct Check {
        std::string table, column;
        bool validated = false;
    };
    std::map<std::string, Check> checks;
    std::set<std::pair<std::string, std::string>> not_null_proven;  // (table, column)
};

struct Directive {
    std::string kind;  // "no-transaction", "phase", "allow", or "" for a bad one
    std::vector<std::string> rules;
    std::string reason;
    std::string error;
    int line = 0;
};

std::optional<Directive> parseDirective(const SqlComment& c) {
    const std::string prefix = "agora:";
    if (c.text.rfind(prefix, 0) != 0)
        return std::nullopt;
    Directive d;
    d.line = c.line;
    std::string rest = c.text.substr(prefix.size());
    std::istringstream in(rest);
    std::string word;
    in >> word;
    if (word == "no-transaction") {
        d.kind = word;
    } else if (word == "phase") {
        std::string phase;
        in >> phase;
        d.kind = "phase";
        if (phase != "expand" && phase != "contract")
            d.error = "phase must be expand or contract, not \"" + phase + "\"";
    } else if (word == "shadow") {
        d.kind = "shadow";
        std::string table;
        in >> table;
        d.rules = {table};
        if (table.empty())
            d.error = "agora:shadow names no table";
    } else if (word == "allow") {
        d.kind = "allow";
        std::string ids;
        in >> ids;
        std::stringstream ss(ids);
        std::string id;
        while (std::getline(ss, id, ','))
            if (!id.empty())
                d.rules.push_back(id);
        std::string because;
        in >> because;
        std::string reason;
        std::getline(in, reason);
        d.reason = trimmed(reason);
        if (d.rules.empty())
            d.error = "agora:allow names no rule";
        else if (because != "because" || d.reason.empty())
            d.error = "agora:allow " + ids + " gives no reason (\"because ...\")";
    } else {
        d.error = "unknown directive \"agora:" + word + "\"";
    }
    return d;
}

class StepLinter {
public:
    StepLinter(const Step& step, std::string file, Knowledge& knowledge, bool report)
        : step_(step), file_(std::move(file)), known_(knowledge), report_(report) {}

    std::vector<LintFinding> run() {
        auto script = SqlScript::parse(step_.sql);
        contract_ = step_.phase == "contract";
        readDirectives(script);
        pending_ = known_;
        for (const auto& st : script.statements())
            statement(st);
        // What this step proves becomes usable by later steps only.
        known_ = pending_;
        return std::move(findings_);
    }

private:
    void readDirectives(const SqlScript& script) {
        std::set<int> header_lines;
        for (const auto& c : script.header())
            header_lines.insert(c.line);
        for (const auto& c : script.comments()) {
            auto d = parseDirective(c);
            if (!d)
                continue;
            if (!d->error.empty()) {
                std::string rule =
                    d->kind == "allow" && d->error.find("no reason") != std::string::npos
                        ? "allow-without-reason"
                        : "bad-directive";
                add(rule, c.line, d->error, "-- " + c.text, /*suppressible=*/false);
                continue;
            }
            if (d->kind == "phase" && c.text.find("contract") != std::string::npos)
                contract_ = true;
            if (d->kind == "shadow")
                shadow_ = d->rules.front();
            if (d->kind != "allow")
                continue;
            for (const auto& r : d->rules) {
                if (!MigrationLinter::rule(r)) {
                    add("unknown-rule", c.line, "agora:allow names unknown rule \"" + r + "\"",
                        "-- " + c.text, false);
                    continue;
                }
                if (header_lines.count(c.line))
                    file_allows_[r] = d->reason;
                else
                    line_allows_[c.line][r] = d->reason;
            }
        }
    }

    // Opt-outs for a statement: the file header, comments right before it, or inside it.
    std::optional<std::string> allowed(const std::string& rule) const {
        if (auto it = file_allows_.find(rule); it != file_allows_.end())
            return it->second;
        if (!stmt_)
            return std::nullopt;
        for (const auto& c : stmt_->leading)
            if (auto it = line_allows_.find(c.line); it != line_allows_.end())
                if (auto r = it->second.find(rule); r != it->second.end())
                    return r->second;
        for (auto it = line_allows_.lower_bound(stmt_->line);
             it != line_allows_.end() && it->first <= stmt_->end_line; ++it)
            if (auto r = it->second.find(rule); r != it->second.end())
                return r->second;
        return std::nullopt;
    }

    void add(const std::string& rule, int line, const std::string& message,
             const std::string& statement, bool suppressible = true) {
        if (!report_)
            return;
        const LintRule* r = MigrationLinter::rule(rule);
        LintFinding f;
        f.file = file_;
        f.line = line;
        f.rule = rule;
        f.message = message;
        f.fix = r ? r->fix : "";
        f.statement = statement;
        if (suppressible) {
            if (auto reason = allowed(rule)) {
                f.allowed = true;
                f.reason = *reason;
            }
        }
        findings_.push_back(std::move(f));
    }

    void flag(const std::string& rule, int line, const std::string& message) {
        // What the shadow engine makes safe: the statement runs on an empty copy.
        static const std::set<std::string> shadow_safe = {
            "index-not-concurrent", "volatile-default", "generated-column", "set-not-null",
            "constraint-not-valid", "type-change",      "table-rewrite",    "backfill-with-ddl"};
        if (shadow_ && target_ == *shadow_ && shadow_safe.count(rule))
            return;
        add(rule, line, message, firstLine(stmt_->sql));
    }

    bool existing(const std::string& table) const { return !created_.count(table); }

    // A statement that takes a lock on an existing table: the step needs its timeouts first.
    void touches(const std::string& what, int line) {
        if (shadow_) {
            // The engine sets its own timeouts for the shadowed table.
            if (target_ == *shadow_)
                return;
            flag("shadow-scope", line,
                 what + " in a step that shadows " + *shadow_ +
                     ": it would run against the live table");
        }
        // The applier gives every step lock_timeout and statement_timeout (docs/migrations.md,
        // "Apply"): only a step that switches one off leaves a statement without it.
        if (lock_off_ && !lock_reported_) {
            lock_reported_ = true;
            flag("missing-lock-timeout", line,
                 what + " after lock_timeout was switched off at line " +
                     std::to_string(lock_off_line_));
        }
        // Without a statement_timeout on purpose: a concurrent build (holds nothing that blocks
        // the application) and batched DO blocks (commit per batch).
        bool long_ok =
            stmt_ && (containsWord(stmt_->tokens, 0, stmt_->tokens.size(), "CONCURRENTLY") ||
                      (!stmt_->tokens.empty() && stmt_->tokens[0].is("DO")));
        if (statement_off_ && !statement_reported_ && !long_ok) {
            statement_reported_ = true;
            flag("missing-statement-timeout", line,
                 what + " after statement_timeout was switched off at line " +
                     std::to_string(statement_off_line_));
        }
    }

    void statement(const SqlStatement& st) {
        stmt_ = &st;
        target_.clear();
        const auto& t = st.tokens;
        if (t.empty())
            return;
        if (step_.transactional) {
            for (const auto& tok : t) {
                if (tok.is("CONCURRENTLY")) {
                    flag("concurrently-in-transaction", tok.line,
                         "CONCURRENTLY in a step that runs in a transaction (the file lacks "
                         "`-- agora:no-transaction`)");
                    break;
                }
            }
        }
        Cursor c(t);
        if (c.accept("SET")) {
            if (!c.accept("SESSION"))
                c.accept("LOCAL");
            std::string name = c.peek() ? c.peek()->name() : "";
            c.skip();
            if (!c.acceptPunct("="))
                c.accept("TO");
            setting(name, c.peek(), st.line);
        } else if (c.accept("RESET")) {
            if (c.accept("ALL")) {
                setting("lock_timeout", nullptr, st.line);
                setting("statement_timeout", nullptr, st.line);
            } else if (c.peek()) {
                setting(c.peek()->name(), nullptr, st.line);
            }
        } else if (c.at("SELECT") || c.at("PERFORM")) {
            // SELECT set_config('lock_timeout', '500ms', false)
            for (size_t i = 0; i + 4 < t.size(); ++i)
                if (t[i].is("SET_CONFIG") && t[i + 1].punct("(") &&
                    t[i + 2].kind == SqlToken::Kind::String)
                    setting(t[i + 2].text, &t[i + 4], st.line);
        } else if (c.at("BEGIN") || c.at("COMMIT") || c.at("ROLLBACK") || c.at("END") ||
                   c.at("ABORT") || c.at("SAVEPOINT") || c.at("RELEASE") ||
                   (c.at("START") && c.at("TRANSACTION", 1))) {
            flag("transaction-control", st.line,
                 t[0].upper + " inside a step: " +
                     (step_.transactional
                          ? "the step already runs in a transaction that ends with its ledger row"
                          : "a no-transaction step runs its statements one by one"));
        } else if (c.accept("TRUNCATE")) {
            truncate(c);
        } else if (c.accept("COMMENT")) {
            comment(c);
        } else if (c.accept("CREATE")) {
            create(c);
        } else if (c.accept("ALTER")) {
            if (c.accept("TABLE")) {
                alterTable(c);
            } else if (c.accept("DOMAIN")) {
                alterDomain(c);
            } else if (c.accept("TYPE")) {
                auto n = c.name();
                for (size_t i = c.pos(); i + 1 < t.size(); ++i)
                    if (t[i].is("ADD") && t[i + 1].is("VALUE")) {
                        touches("ALTER TYPE " + n.value_or("?") + " ADD VALUE", st.line);
                        break;
                    }
            }
        } else if (c.accept("DROP")) {
            drop(c);
        } else if (c.accept("REINDEX")) {
            if (!containsWord(t, 0, t.size(), "CONCURRENTLY"))
                flag("index-not-concurrent", st.line,
                     "REINDEX without CONCURRENTLY blocks writes to the table");
            touches("REINDEX", st.line);
        } else if (c.accept("CLUSTER")) {
            flag("table-rewrite", st.line, "CLUSTER rewrites the table under an exclusive lock");
            touches("CLUSTER", st.line);
        } else if (c.accept("VACUUM")) {
            vacuum(c);
        } else if (c.accept("LOCK")) {
            touches("LOCK TABLE", st.line);
        } else if (c.accept("UPDATE") || (c.accept("DELETE") && c.accept("FROM"))) {
            c.accept("ONLY");
            if (auto table = c.name()) {
                target_ = *table;
                if (auto it = altered_.find(*table); it != altered_.end())
                    flag("backfill-with-ddl", st.line,
                         st.tokens[0].upper + " " + *table +
                             " runs under the ACCESS EXCLUSIVE lock ALTER TABLE took at line " +
                             std::to_string(it->second) + " until the step commits");
            }
        }
        stmt_ = nullptr;
    }

    // SET name = value / RESET name (value null) / set_config(name, value, ...).
    void setting(const std::string& name, const SqlToken* value, int line) {
        if (name != "lock_timeout" && name != "statement_timeout")
            return;
        bool reset = !value || value->is("DEFAULT");
        int64_t ms = reset ? 0 : durationMs(value->text);
        bool off = reset || ms == 0;
        if (name == "lock_timeout") {
            if (!reset && (ms == 0 || ms > MigrationLinter::kMaxLockTimeoutMs)) {
                // The applier caps it, but the author asked for a long queue: say so.
                flag("lock-timeout-too-long", line,
                     "lock_timeout = " + value->text +
                         (ms == 0 ? " waits forever" : " lets every query on the table queue") +
                         "; at most " + std::to_string(MigrationLinter::kMaxLockTimeoutMs) + " ms");
                return;
            }
            lock_off_ = off;
            lock_off_line_ = line;
        } else {
            statement_off_ = off;
            statement_off_line_ = line;
        }
    }

    // A PostgreSQL duration ("500ms", "2s", "1min", "0", 500) in milliseconds; -1 if unreadable.
    static int64_t durationMs(const std::string& text) {
        size_t i = 0;
        while (i < text.size() &&
               (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
            ++i;
        if (i == 0)
            return -1;
        double v = std::atof(text.substr(0, i).c_str());
        std::string unit = trimmed(text.substr(i));
        double f = unit.empty() || unit == "ms" ? 1
                   : unit == "us"               ? 0.001
                   : unit == "s"                ? 1000
                   : unit == "min"              ? 60'000
                   : unit == "h"                ? 3'600'000
                   : unit == "d"                ? 86'400'000
                                                : -1;
        return f < 0 ? -1 : static_cast<int64_t>(v * f + 0.5);
    }

    void truncate(Cursor& c) {
        c.accept("TABLE");
        std::vector<std::string> tables;
        for (;;) {
            c.accept("ONLY");
            auto n = c.name();
            if (!n)
                break;
            tables.push_back(*n);
            c.acceptPunct("*");
            if (!c.acceptPunct(","))
                break;
        }
        bool cascade = containsWord(stmt_->tokens, 0, stmt_->tokens.size(), "CASCADE");
        std::string existing_one;
        for (const auto& table : tables)
            if (existing(table))
                existing_one = table;
        if (existing_one.empty() && !cascade)
            return;  // emptying a table this step made is harmless
        target_ = existing_one;
        flag("truncate", stmt_->line,
             "TRUNCATE " + (existing_one.empty() ? std::string("...") : existing_one) +
                 " empties it on every tenant under an ACCESS EXCLUSIVE lock" +
                 (cascade ? ", and CASCADE empties every table that references it" : ""));
        touches("TRUNCATE " + existing_one, stmt_->line);
    }

    void comment(Cursor& c) {
        if (!c.accept("ON"))
            return;
        std::optional<std::string> table;
        if (c.accept("TABLE") || c.accept("VIEW") || c.acceptSeq({"MATERIALIZED", "VIEW"})) {
            table = c.name();
        } else if (c.accept("COLUMN")) {
            // [schema.]table.column: the table is the part before the last.
            std::vector<std::string> parts;
            while (!c.done() && c.peek()->ident()) {
                parts.push_back(c.peek()->name());
                c.skip();
                if (!c.acceptPunct("."))
                    break;
            }
            if (parts.size() >= 2)
                table = parts[parts.size() - 2];
        } else if (c.accept("CONSTRAINT")) {
            c.name();
            if (c.accept("ON") && !c.accept("DOMAIN"))
                table = c.name();
        } else if (c.accept("TRIGGER")) {
            c.name();
            if (c.accept("ON"))
                table = c.name();
        } else if (c.accept("INDEX")) {
            // An index's table isn't in the statement: assume an existing one unless the
            // index was made here.
            auto n = c.name();
            if (!n || !created_indexes_.count(*n))
                touches("COMMENT ON INDEX " + n.value_or("?"), stmt_->line);
            return;
        }
        if (table && existing(*table)) {
            target_ = *table;
            touches("COMMENT ON existing table " + *table, stmt_->line);
        }
    }

    void vacuum(Cursor& c) {
        const auto& t = stmt_->tokens;
        bool full = false;
        if (!c.done() && c.peek()->punct("(")) {
            // VACUUM (FULL [boolean], ANALYZE, ...): FULL FALSE / OFF / 0 is a plain vacuum.
            size_t open = c.pos();
            c.skipGroup();
            for (size_t i = open + 1; i + 1 < c.pos(); ++i) {
                if (!t[i].is("FULL") || !(t[i - 1].punct("(") || t[i - 1].punct(",")))
                    continue;
                const auto& v = t[i + 1];
                full = !(v.is("FALSE") || v.is("OFF") ||
                         (v.kind == SqlToken::Kind::Number && v.text == "0") ||
                         (v.kind == SqlToken::Kind::String &&
                          (v.text == "false" || v.text == "off" || v.text == "0")));
            }
        } else {
            full = c.accept("FULL");
            c.accept("FREEZE");
            c.accept("VERBOSE");
            c.accept("ANALYZE");
        }
        std::vector<std::string> tables;
        while (auto n = c.name()) {
            tables.push_back(*n);
            c.skipGroup();  // column list
            if (!c.acceptPunct(","))
                break;
        }
        bool any_existing = tables.empty();
        for (const auto& table : tables)
            if (existing(table)) {
                any_existing = true;
                target_ = table;
            }
        if (!any_existing)
            return;
        if (full)
            flag("table-rewrite", stmt_->line,
                 "VACUUM FULL rewrites the table under an exclusive lock");
        touches("VACUUM", stmt_->line);
    }

    void alterDomain(Cursor& c) {
        auto name = c.name().value_or("?");
        const auto& t = stmt_->tokens;
        bool not_valid = false;
        for (size_t i = c.pos(); i + 1 < t.size(); ++i)
            if (t[i].is("NOT") && t[i + 1].is("VALID"))
                not_valid = true;
        if (c.accept("ADD")) {
            if (!not_valid)
                flag("domain-check", stmt_->line,
                     "ALTER DOMAIN " + name +
                         " ADD CONSTRAINT checks every column using the domain under a lock that "
                         "blocks writes to their tables");
        } else if (c.accept("VALIDATE")) {
            flag("domain-check", stmt_->line,
                 "ALTER DOMAIN " + name +
                     " VALIDATE CONSTRAINT scans every column using the domain under a SHARE "
                     "lock on each table (writes blocked)");
        } else if (c.acceptSeq({"SET", "NOT", "NULL"})) {
            flag("domain-check", stmt_->line,
                 "ALTER DOMAIN " + name +
                     " SET NOT NULL scans every column using the domain under a lock that "
                     "blocks writes to their tables");
        }
    }

    void create(Cursor& c) {
        c.acceptSeq({"OR", "REPLACE"});
        bool unique = false;
        for (;;) {
            if (c.accept("UNIQUE"))
                unique = true;
            else if (!(c.accept("TEMP") || c.accept("TEMPORARY") || c.accept("UNLOGGED") ||
                       c.accept("GLOBAL") || c.accept("LOCAL")))
                break;
        }
        if (c.accept("TABLE")) {
            c.acceptSeq({"IF", "NOT", "EXISTS"});
            if (auto n = c.name()) {
                created_.insert(*n);
                createTableChecks(c, *n);
                createTableLocks(c, *n);
            }
            return;
        }
        if (c.accept("DOMAIN")) {
            auto n = c.name();
            const auto& t = stmt_->tokens;
            for (size_t i = c.pos(); i < t.size(); ++i)
                if (t[i].is("CHECK")) {
                    flag("domain-check", stmt_->line,
                         "CREATE DOMAIN " + n.value_or("?") +
                             " with a CHECK: every later change of that check scans each "
                             "column using the domain under a lock that blocks writes");
                    break;
                }
            return;
        }
        if (c.accept("INDEX")) {
            bool concurrently = c.accept("CONCURRENTLY");
            bool if_not_exists = c.acceptSeq({"IF", "NOT", "EXISTS"});
            if (concurrently && !step_.transactional && !if_not_exists)
                flag("concurrently-not-rerunnable", stmt_->line,
                     "CREATE INDEX CONCURRENTLY without IF NOT EXISTS: a re-run of this "
                     "no-transaction step fails on the index the first run built");
            if (!c.at("ON"))
                if (auto n = c.name())
                    created_indexes_.insert(*n);
            if (!c.accept("ON"))
                return;
            c.accept("ONLY");
            auto table = c.name();
            if (!table || !existing(*table))
                return;
            target_ = *table;
            touches("CREATE INDEX on existing table " + *table, stmt_->line);
            if (!concurrently)
                flag("index-not-concurrent", stmt_->line,
                     std::string("CREATE ") + (unique ? "UNIQUE " : "") + "INDEX on " + *table +
                         " without CONCURRENTLY blocks every write to it while the index builds");
            return;
        }
        if (c.accept("TRIGGER") || c.acceptSeq({"CONSTRAINT", "TRIGGER"})) {
            // CREATE TRIGGER name ... ON table: takes a lock that blocks writes.
            while (!c.done() && !c.at("ON"))
                c.skip();
            if (c.accept("ON"))
                if (auto table = c.name(); table && existing(*table)) {
                    target_ = *table;
                    touches("CREATE TRIGGER on existing table " + *table, stmt_->line);
                }
        }
    }

    // Table-level CONSTRAINT n CHECK (col IS NOT NULL) in a new table counts as validated.
    void createTableChecks(Cursor& c, const std::string& table) {
        const auto& t = stmt_->tokens;
        for (size_t i = c.pos(); i + 1 < t.size(); ++i) {
            if (t[i].is("CHECK") && t[i + 1].punct("(")) {
                if (auto col = notNullCheckColumn(i + 1)) {
                    pending_.not_null_proven.insert({table, *col});
                }
            }
        }
    }

    // CREATE TABLE ... REFERENCES existing (SHARE ROW EXCLUSIVE on the referenced table) or
    // PARTITION OF existing (ACCESS EXCLUSIVE on the parent): the new table locks an old one.
    void createTableLocks(Cursor& c, const std::string& table) {
        const auto& t = stmt_->tokens;
        for (size_t i = c.pos(); i + 1 < t.size(); ++i) {
            bool refs = t[i].is("REFERENCES");
            bool partition = t[i].is("PARTITION") && t[i + 1].is("OF");
            if (!refs && !partition)
                continue;
            Cursor r(t, i + (refs ? 1 : 2));
            auto other = r.name();
            if (!other || !existing(*other))
                continue;
            target_ = *other;
            touches("CREATE TABLE " + table + (refs ? " REFERENCES " : " PARTITION OF ") +
                        "existing table " + *other,
                    stmt_->line);
            return;
        }
    }

    // For tokens "( col IS NOT NULL )" starting at `open`, the column name.
    std::optional<std::string> notNullCheckColumn(size_t open) const {
        const auto& t = stmt_->tokens;
        size_t i = open;
        int parens = 0;
        while (i < t.size() && t[i].punct("(")) {
            ++parens;
            ++i;
        }
        if (i + 3 >= t.size() || !t[i].ident() || !t[i + 1].is("IS") || !t[i + 2].is("NOT") ||
            !t[i + 3].is("NULL"))
            return std::nullopt;
        std::string col = t[i].name();
        i += 4;
        for (int p = 0; p < parens; ++p, ++i)
            if (i >= t.size() || !t[i].punct(")"))
                return std::nullopt;
        return col;
    }

    void drop(Cursor& c) {
        if (c.accept("TABLE")) {
            c.acceptSeq({"IF", "EXISTS"});
            std::vector<std::string> tables;
            while (auto n = c.name()) {
                tables.push_back(*n);
                if (!c.acceptPunct(","))
                    break;
            }
            for (const auto& table : tables) {
                if (!existing(table))
                    continue;
                target_ = table;
                touches("DROP TABLE " + table, stmt_->line);
                if (!contract_)
                    flag("drop-outside-contract", stmt_->line,
                         "DROP TABLE " + table + " in an expand step");
            }
        } else if (c.accept("DATABASE")) {
            flag("drop-database", stmt_->line, "DROP DATABASE in a migration");
        } else if (c.accept("INDEX")) {
            bool concurrently = c.accept("CONCURRENTLY");
            bool if_exists = c.acceptSeq({"IF", "EXISTS"});
            bool any_existing = false;
            while (auto n = c.name()) {
                any_existing = any_existing || !created_indexes_.count(*n);
                if (!c.acceptPunct(","))
                    break;
            }
            if (concurrently && !step_.transactional && !if_exists)
                flag("concurrently-not-rerunnable", stmt_->line,
                     "DROP INDEX CONCURRENTLY without IF EXISTS: a re-run of this "
                     "no-transaction step fails on the index the first run dropped");
            if (!any_existing)
                return;
            if (!concurrently)
                flag("drop-index-not-concurrent", stmt_->line,
                     "DROP INDEX without CONCURRENTLY locks the index's table ACCESS EXCLUSIVE");
            touches("DROP INDEX", stmt_->line);
        }
    }

    void alterTable(Cursor& c) {
        c.acceptSeq({"IF", "EXISTS"});
        c.accept("ONLY");
        auto table = c.name();
        if (!table)
            return;
        c.acceptPunct("*");
        const auto& t = stmt_->tokens;
        bool is_new = !existing(*table);
        target_ = *table;
        if (!is_new) {
            touches("ALTER TABLE " + *table, stmt_->line);
            if (step_.transactional)
                altered_.emplace(*table, stmt_->line);
        }
        if (c.at("RENAME")) {
            c.skip();
            if (c.accept("CONSTRAINT"))
                return;
            if (is_new)
                return;
            if (c.accept("TO")) {
                if (!contract_)
                    flag("rename-outside-contract", stmt_->line,
                         "renaming table " + *table + " breaks code that still uses the old name");
                if (auto n = c.name())
                    created_.erase(*n);
                return;
            }
            c.accept("COLUMN");
            auto col = c.name();
            if (!contract_)
                flag("rename-outside-contract", stmt_->line,
                     "renaming column " + *table + "." + col.value_or("?") +
                         " breaks code that still uses the old name");
            return;
        }
        for (auto [b, e] : splitActions(t, c.pos()))
            action(*table, is_new, b, e);
    }

    void action(const std::string& table, bool is_new, size_t b, size_t e) {
        const auto& t = stmt_->tokens;
        Cursor c(t, b, e);
        int line = t[b].line;
        if (c.accept("ADD")) {
            bool constraint = c.at("CONSTRAINT") || c.at("CHECK") || c.at("FOREIGN") ||
                              c.at("UNIQUE") || c.at("PRIMARY") || c.at("EXCLUDE");
            if (constraint)
                addConstraint(table, is_new, c, line);
            else if (!is_new)
                addColumn(table, c, e, line);
            return;
        }
        if (c.accept("ALTER")) {
            c.accept("COLUMN");
            auto col = c.name();
            if (!col || is_new)
                return;
            if (c.acceptSeq({"SET", "NOT", "NULL"})) {
                // A CHECK validated earlier in this step counts too: PostgreSQL 12+ sees it and
                // skips the scan. (Added and validated in this step is validate-in-same-step.)
                if (!pending_.not_null_proven.count({table, *col}))
                    flag("set-not-null", line,
                         "SET NOT NULL on " + table + "." + *col + " with no validated CHECK (" +
                             *col +
                             " IS NOT NULL) in an earlier step scans the table under an ACCESS "
                             "EXCLUSIVE lock");
            } else if (c.acceptSeq({"SET", "DATA", "TYPE"}) || c.accept("TYPE")) {
                flag("type-change", line,
                     "changing the type of " + table + "." + *col + " rewrites the table");
            }
            return;
        }
        if (c.accept("VALIDATE")) {
            c.accept("CONSTRAINT");
            if (auto n = c.name()) {
                if (auto added = added_not_valid_.find(*n);
                    added != added_not_valid_.end() && step_.transactional && !is_new)
                    flag("validate-in-same-step", line,
                         "VALIDATE CONSTRAINT " + *n + " scans " + table +
                             " under the lock ADD CONSTRAINT took at line " +
                             std::to_string(added->second) + " (" +
                             (foreign_keys_.count(*n) ? "SHARE ROW EXCLUSIVE on both tables"
                                                      : "ACCESS EXCLUSIVE") +
                             ") until the step commits");
                auto it = pending_.checks.find(*n);
                if (it != pending_.checks.end()) {
                    it->second.validated = true;
                    pending_.not_null_proven.insert({it->second.table, it->second.column});
                }
            }
            return;
        }
        if (c.accept("DROP")) {
            if (c.at("CONSTRAINT"))
                return;
            c.accept("COLUMN");
            c.acceptSeq({"IF", "EXISTS"});
            auto col = c.name();
            if (!is_new && !contract_)
                flag("drop-outside-contract", line,
                     "dropping column " + table + "." + col.value_or("?") +
                         " in an expand step breaks code that still reads it");
            return;
        }
        if (c.acceptSeq({"DETACH", "PARTITION"})) {
            auto part = c.name();
            if (!is_new && !c.at("CONCURRENTLY") && !c.at("FINALIZE"))
                flag("detach-partition-not-concurrent", line,
                     "DETACH PARTITION " + part.value_or("?") + " without CONCURRENTLY locks " +
                         table + " ACCESS EXCLUSIVE");
            return;
        }
        if (c.accept("SET")) {
            if (is_new)
                return;
            if (c.at("TABLESPACE") || c.at("LOGGED") || c.at("UNLOGGED"))
                flag("table-rewrite", line,
                     "SET " + c.peek()->upper + " rewrites " + table +
                         " under an ACCESS EXCLUSIVE lock");
        }
    }

    void addConstraint(const std::string& table, bool is_new, Cursor& c, int line) {
        const auto& t = stmt_->tokens;
        std::string name;
        if (c.accept("CONSTRAINT"))
            name = c.name().value_or("");
        bool not_valid = false;
        for (size_t i = c.pos(); i + 1 < t.size(); ++i)
            if (t[i].is("NOT") && t[i + 1].is("VALID"))
                not_valid = true;
        if (!is_new && not_valid && !name.empty()) {
            added_not_valid_.emplace(name, line);
            if (c.at("FOREIGN"))
                foreign_keys_.insert(name);
        }
        if (c.accept("CHECK")) {
            if (auto col = notNullCheckColumn(c.pos())) {
                if (!name.empty())
                    pending_.checks[name] = {table, *col, !not_valid || is_new};
                if (!not_valid || is_new)
                    pending_.not_null_proven.insert({table, *col});
            }
            if (!is_new && !not_valid)
                flag("constraint-not-valid", line,
                     "ADD CHECK on existing table " + table +
                         " without NOT VALID checks every row under a lock that blocks writes");
            return;
        }
        if (c.at("FOREIGN")) {
            if (!is_new && !not_valid)
                flag("constraint-not-valid", line,
                     "ADD FOREIGN KEY on existing table " + table +
                         " without NOT VALID checks every row under a lock that blocks writes");
            return;
        }
        if (is_new)
            return;
        if (c.at("UNIQUE") || c.at("PRIMARY")) {
            bool using_index = false;
            for (size_t i = c.pos(); i + 1 < t.size(); ++i)
                if (t[i].is("USING") && t[i + 1].is("INDEX"))
                    using_index = true;
            if (!using_index)
                flag("index-not-concurrent", line,
                     "ADD " + c.peek()->upper + " on existing table " + table +
                         " builds its index under an ACCESS EXCLUSIVE lock");
        } else if (c.at("EXCLUDE")) {
            flag("index-not-concurrent", line,
                 "ADD EXCLUDE on existing table " + table +
                     " builds its index under an ACCESS EXCLUSIVE lock");
        }
    }

    void addColumn(const std::string& table, Cursor& c, size_t end, int line) {
        const auto& t = stmt_->tokens;
        end = std::min(end, t.size());
        c.accept("COLUMN");
        c.acceptSeq({"IF", "NOT", "EXISTS"});
        auto col = c.name().value_or("?");
        std::string where = table + "." + col;
        if (auto type = c.peek(); type && type->kind == SqlToken::Kind::Word) {
            static const std::set<std::string> serials = {"SERIAL",  "BIGSERIAL", "SMALLSERIAL",
                                                          "SERIAL2", "SERIAL4",   "SERIAL8"};
            if (serials.count(type->upper)) {
                flag("volatile-default", line,
                     "ADD COLUMN " + where + " " + type->text +
                         " fills every existing row from a sequence: the table is rewritten");
                return;
            }
        }
        bool has_default = false, not_null = false;
        std::string index_word;  // UNIQUE or PRIMARY KEY written inline
        std::string constraint;  // CHECK or REFERENCES written inline
        int depth = 0;
        for (size_t i = c.pos(); i < end; ++i) {
            if (t[i].punct("("))
                ++depth;
            else if (t[i].punct(")"))
                --depth;
            if (depth > 0)
                continue;
            if (t[i].is("GENERATED")) {
                bool identity = false, stored = false;
                for (size_t j = i; j < end; ++j) {
                    identity = identity || t[j].is("IDENTITY");
                    stored = stored || t[j].is("STORED");
                }
                if (identity)
                    flag("volatile-default", line,
                         "ADD COLUMN " + where +
                             " GENERATED AS IDENTITY numbers every existing row: the table is "
                             "rewritten");
                else if (stored)
                    flag("generated-column", line,
                         "ADD COLUMN " + where + " GENERATED ... STORED rewrites the table");
                return;
            }
            if (t[i].is("DEFAULT")) {
                has_default = true;
                if (auto fn = volatileCall(i + 1)) {
                    flag("volatile-default", line,
                         "ADD COLUMN " + where + " DEFAULT " + *fn +
                             " is evaluated for every existing row: the table is rewritten");
                    return;
                }
            } else if (t[i].is("NOT") && i + 1 < end && t[i + 1].is("NULL")) {
                not_null = true;
            } else if (t[i].is("CHECK") || t[i].is("REFERENCES")) {
                constraint = t[i].upper;
            } else if (t[i].is("UNIQUE")) {
                index_word = "UNIQUE";
            } else if (t[i].is("PRIMARY")) {
                index_word = "PRIMARY KEY";
            }
        }
        if (!index_word.empty())
            flag("index-not-concurrent", line,
                 "ADD COLUMN " + where + " ... " + index_word +
                     " builds its index under an ACCESS EXCLUSIVE lock");
        // An inline constraint is validated at once, with no NOT VALID to ask for: every row is
        // checked under the ALTER's lock (and both tables' for a foreign key).
        if (!constraint.empty())
            flag("constraint-not-valid", line,
                 "ADD COLUMN " + where + " ... " + constraint +
                     " checks every existing row under a lock that blocks writes");
        if (not_null && !has_default)
            flag("not-null-without-default", line,
                 "ADD COLUMN " + where +
                     " NOT NULL without a DEFAULT fails on every tenant whose " + table +
                     " has rows, and succeeds on the empty ones");
    }

    // The first call in a DEFAULT expression that is volatile or of unknown volatility.
    std::optional<std::string> volatileCall(size_t from) const {
        static const std::set<std::string> stops = {"NOT",     "NULL",       "CONSTRAINT",
                                                    "CHECK",   "REFERENCES", "UNIQUE",
                                                    "PRIMARY", "GENERATED",  "COLLATE"};
        const auto& t = stmt_->tokens;
        int depth = 0;
        for (size_t i = from; i < t.size(); ++i) {
            if (t[i].punct("("))
                ++depth;
            else if (t[i].punct(")"))
                --depth;
            if (depth == 0 &&
                ((t[i].kind == SqlToken::Kind::Word && stops.count(t[i].upper)) || t[i].punct(",")))
                break;
            if (t[i].kind != SqlToken::Kind::Word || i + 1 >= t.size() || !t[i + 1].punct("("))
                continue;
            if (i > 0 && (t[i - 1].punct("::") || t[i - 1].is("AS")))
                continue;  // a type with modifiers, e.g. ::numeric(10, 2)
            std::string fn = t[i].name();
            if (kTypeWords.count(fn) || kNonVolatile.count(fn))
                continue;
            if (kVolatile.count(fn))
                return fn + "()";
            return fn +
                   "() (volatility unknown to the linter; if it is STABLE or IMMUTABLE, "
                   "opt out with that reason)";
        }
        return std::nullopt;
    }

    const Step& step_;
    std::string file_;
    Knowledge& known_;
    Knowledge pending_;
    bool report_;
    bool contract_ = false;
    // Switched off by the step itself (the applier supplies both otherwise).
    bool lock_off_ = false, statement_off_ = false;
    int lock_off_line_ = 0, statement_off_line_ = 0;
    bool lock_reported_ = false, statement_reported_ = false;
    std::set<std::string> created_indexes_;
    std::map<std::string, int> added_not_valid_;  // constraints added NOT VALID here, line
    std::set<std::string> foreign_keys_;
    std::set<std::string> created_;
    std::map<std::string, int> altered_;  // existing tables ALTERed so far, first line
    std::optional<std::string> shadow_;   // "-- agora:shadow TABLE"
    std::string target_;                  // the table the current statement works on
    std::map<std::string, std::string> file_allows_;
    std::map<int, std::map<std::string, std::string>> line_allows_;
    const SqlStatement* stmt_ = nullptr;
    std::vector<LintFinding> findings_;
};

}  // namespace

const std::vector<LintRule>& MigrationLinter::rules() {
    return kRules;
}

const LintRule* MigrationLinter::rule(const std::string& id) {
    for (const auto& r : kRules)
        if (r.id == id)
            return &r;
    return nullptr;
}

std::vector<LintFinding> MigrationLinter::lint(const std::vector<Step>& steps,
                                               const std::set<std::string>& selected,
                                               const std::string& folder) {
    Knowledge knowledge;
    std::vector<LintFinding> out;
    for (const auto& s : steps) {
        std::string file = folder.empty() ? s.name : folder + "/" + s.name;
        auto found = StepLinter(s, file, knowledge, selected.count(s.name) > 0).run();
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

std::vector<LintFinding> MigrationLinter::lintStep(const Step& step, const std::string& file) {
    Knowledge knowledge;
    return StepLinter(step, file, knowledge, true).run();
}

size_t MigrationLinter::errorCount(const std::vector<LintFinding>& findings) {
    return static_cast<size_t>(
        std::count_if(findings.begin(), findings.end(), [](const auto& f) { return !f.allowed; }));
}

std::vector<LintFinding> MigrationLinter::refusals(const std::vector<Step>& all,
                                                   const std::vector<Step>& pending,
                                                   const std::string& folder) {
    std::set<std::string> selected;
    for (const auto& s : pending)
        selected.insert(s.name);
    std::vector<LintFinding> out;
    for (auto& f : lint(all, selected, folder))
        if (!f.allowed)
            out.push_back(std::move(f));
    return out;
}

std::string MigrationLinter::describe(const std::vector<LintFinding>& findings) {
    std::string out;
    for (const auto& f : findings)
        out += (out.empty() ? "" : "\n") + f.file + ":" + std::to_string(f.line) + ": " + f.rule +
               ": " + f.message + " (fix: " + f.fix + ")";
    return out;
}

}  // namespace agora::migrate
