#include "migrate/StepLinter.h"

namespace agora::migrate::lint {

// For tokens "( col IS NOT NULL )" starting at `open`, the column name.
std::optional<std::string> StepLinter::notNullCheckColumn(size_t open) const {
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

void StepLinter::alterTable(Cursor& c) {
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

void StepLinter::action(const std::string& table, bool is_new, size_t b, size_t e) {
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
        alterColumn(table, is_new, c, line);
        return;
    }
    if (c.accept("VALIDATE")) {
        validate(table, is_new, c, line);
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
                 "DETACH PARTITION " + part.value_or("?") + " without CONCURRENTLY locks " + table +
                     " ACCESS EXCLUSIVE");
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

// ALTER [COLUMN] col SET NOT NULL / TYPE.
void StepLinter::alterColumn(const std::string& table, bool is_new, Cursor& c, int line) {
    c.accept("COLUMN");
    auto col = c.name();
    if (!col || is_new)
        return;
    if (c.acceptSeq({"SET", "NOT", "NULL"})) {
        // A CHECK validated earlier in this step counts too: PostgreSQL 12+ sees it and
        // skips the scan. (Added and validated in this step is validate-in-same-step.)
        if (!pending_.not_null_proven.count({table, *col}))
            flag("set-not-null", line,
                 "SET NOT NULL on " + table + "." + *col + " with no validated CHECK (" + *col +
                     " IS NOT NULL) in an earlier step scans the table under an ACCESS "
                     "EXCLUSIVE lock");
    } else if (c.acceptSeq({"SET", "DATA", "TYPE"}) || c.accept("TYPE")) {
        flag("type-change", line,
             "changing the type of " + table + "." + *col + " rewrites the table");
    }
}

// VALIDATE CONSTRAINT: refused right after ADD ... NOT VALID in the same step; a validated
// CHECK (col IS NOT NULL) proves the column for later steps.
void StepLinter::validate(const std::string& table, bool is_new, Cursor& c, int line) {
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
}

void StepLinter::addConstraint(const std::string& table, bool is_new, Cursor& c, int line) {
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

void StepLinter::addColumn(const std::string& table, Cursor& c, size_t end, int line) {
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
             "ADD COLUMN " + where + " NOT NULL without a DEFAULT fails on every tenant whose " +
                 table + " has rows, and succeeds on the empty ones");
}

// The first call in a DEFAULT expression that is volatile or of unknown volatility.
std::optional<std::string> StepLinter::volatileCall(size_t from) const {
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

}  // namespace agora::migrate::lint
