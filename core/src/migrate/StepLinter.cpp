#include "migrate/StepLinter.h"

namespace agora::migrate::lint {

std::vector<LintFinding> StepLinter::run() {
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

void StepLinter::readDirectives(const SqlScript& script) {
    std::set<int> header_lines;
    for (const auto& c : script.header())
        header_lines.insert(c.line);
    for (const auto& c : script.comments()) {
        auto d = parseDirective(c);
        if (!d)
            continue;
        if (!d->error.empty()) {
            std::string rule = d->kind == "allow" && d->error.find("no reason") != std::string::npos
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
std::optional<std::string> StepLinter::allowed(const std::string& rule) const {
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

void StepLinter::add(const std::string& rule, int line, const std::string& message,
                     const std::string& statement, bool suppressible) {
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

void StepLinter::flag(const std::string& rule, int line, const std::string& message) {
    // What the shadow engine makes safe: the statement runs on an empty copy.
    static const std::set<std::string> shadow_safe = {
        "index-not-concurrent", "volatile-default", "generated-column", "set-not-null",
        "constraint-not-valid", "type-change",      "table-rewrite",    "backfill-with-ddl"};
    if (shadow_ && target_ == *shadow_ && shadow_safe.count(rule))
        return;
    add(rule, line, message, firstLine(stmt_->sql));
}

// A statement that takes a lock on an existing table: the step needs its timeouts first.
void StepLinter::touches(const std::string& what, int line) {
    if (shadow_) {
        // The engine sets its own timeouts for the shadowed table.
        if (target_ == *shadow_)
            return;
        flag(
            "shadow-scope", line,
            what + " in a step that shadows " + *shadow_ + ": it would run against the live table");
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
    bool long_ok = stmt_ && (containsWord(stmt_->tokens, 0, stmt_->tokens.size(), "CONCURRENTLY") ||
                             (!stmt_->tokens.empty() && stmt_->tokens[0].is("DO")));
    if (statement_off_ && !statement_reported_ && !long_ok) {
        statement_reported_ = true;
        flag("missing-statement-timeout", line,
             what + " after statement_timeout was switched off at line " +
                 std::to_string(statement_off_line_));
    }
}

void StepLinter::statement(const SqlStatement& st) {
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
    if (!settingStatement(c, st) && !transactionControl(c, st) && !schemaStatement(c, st))
        dataStatement(c, st);
    stmt_ = nullptr;
}

// SET / RESET / SELECT set_config(...): what the step does to its timeouts.
bool StepLinter::settingStatement(Cursor& c, const SqlStatement& st) {
    const auto& t = st.tokens;
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
    } else {
        return false;
    }
    return true;
}

bool StepLinter::transactionControl(Cursor& c, const SqlStatement& st) {
    if (!(c.at("BEGIN") || c.at("COMMIT") || c.at("ROLLBACK") || c.at("END") || c.at("ABORT") ||
          c.at("SAVEPOINT") || c.at("RELEASE") || (c.at("START") && c.at("TRANSACTION", 1))))
        return false;
    flag("transaction-control", st.line,
         st.tokens[0].upper + " inside a step: " +
             (step_.transactional
                  ? "the step already runs in a transaction that ends with its ledger row"
                  : "a no-transaction step runs its statements one by one"));
    return true;
}

// DDL: the rule families of StepLinterSchema.cpp and StepLinterAlterTable.cpp.
bool StepLinter::schemaStatement(Cursor& c, const SqlStatement& st) {
    const auto& t = st.tokens;
    if (c.accept("TRUNCATE")) {
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
    } else {
        return false;
    }
    return true;
}

// LOCK, and UPDATE/DELETE after an ALTER TABLE of the same table in the step.
void StepLinter::dataStatement(Cursor& c, const SqlStatement& st) {
    if (c.accept("LOCK")) {
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
}

// SET name = value / RESET name (value null) / set_config(name, value, ...).
void StepLinter::setting(const std::string& name, const SqlToken* value, int line) {
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
int64_t StepLinter::durationMs(const std::string& text) {
    size_t i = 0;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
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

}  // namespace agora::migrate::lint
