#include "migrate/StepLinter.h"

namespace agora::migrate::lint {

void StepLinter::truncate(Cursor& c) {
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

void StepLinter::comment(Cursor& c) {
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

void StepLinter::vacuum(Cursor& c) {
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

void StepLinter::alterDomain(Cursor& c) {
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

void StepLinter::create(Cursor& c) {
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
void StepLinter::createTableChecks(Cursor& c, const std::string& table) {
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
void StepLinter::createTableLocks(Cursor& c, const std::string& table) {
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

void StepLinter::drop(Cursor& c) {
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

}  // namespace agora::migrate::lint
