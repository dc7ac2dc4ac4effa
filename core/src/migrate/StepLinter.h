#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "migrate/LintSupport.h"
#include "migrate/MigrationLinter.h"

namespace agora::migrate::lint {

// Lints one step: reads its directives, then each statement, dispatching on its first words to
// the rule families (StepLinter.cpp: settings, transaction control, the dispatch;
// StepLinterSchema.cpp: CREATE, DROP, TRUNCATE, COMMENT, VACUUM, ALTER DOMAIN;
// StepLinterAlterTable.cpp: ALTER TABLE and its actions). What the step proves (validated
// CHECKs) goes into `knowledge` for later steps.
class StepLinter {
public:
    StepLinter(const Step& step, std::string file, Knowledge& knowledge, bool report)
        : step_(step), file_(std::move(file)), known_(knowledge), report_(report) {}

    std::vector<LintFinding> run();

private:
    void readDirectives(const SqlScript& script);
    // Opt-outs for a statement: the file header, comments right before it, or inside it.
    std::optional<std::string> allowed(const std::string& rule) const;
    void add(const std::string& rule, int line, const std::string& message,
             const std::string& statement, bool suppressible = true);
    void flag(const std::string& rule, int line, const std::string& message);
    // A statement that takes a lock on an existing table: the step needs its timeouts first.
    void touches(const std::string& what, int line);
    void statement(const SqlStatement& st);
    bool settingStatement(Cursor& c, const SqlStatement& st);
    bool transactionControl(Cursor& c, const SqlStatement& st);
    bool schemaStatement(Cursor& c, const SqlStatement& st);
    void dataStatement(Cursor& c, const SqlStatement& st);
    // SET name = value / RESET name (value null) / set_config(name, value, ...).
    void setting(const std::string& name, const SqlToken* value, int line);
    // A PostgreSQL duration ("500ms", "2s", "1min", "0", 500) in milliseconds; -1 if unreadable.
    static int64_t durationMs(const std::string& text);
    void truncate(Cursor& c);
    void comment(Cursor& c);
    void vacuum(Cursor& c);
    void alterDomain(Cursor& c);
    void create(Cursor& c);
    // Table-level CONSTRAINT n CHECK (col IS NOT NULL) in a new table counts as validated.
    void createTableChecks(Cursor& c, const std::string& table);
    // CREATE TABLE ... REFERENCES existing (SHARE ROW EXCLUSIVE on the referenced table) or
    // PARTITION OF existing (ACCESS EXCLUSIVE on the parent): the new table locks an old one.
    void createTableLocks(Cursor& c, const std::string& table);
    // For tokens "( col IS NOT NULL )" starting at `open`, the column name.
    std::optional<std::string> notNullCheckColumn(size_t open) const;
    void drop(Cursor& c);
    void alterTable(Cursor& c);
    void action(const std::string& table, bool is_new, size_t b, size_t e);
    void alterColumn(const std::string& table, bool is_new, Cursor& c, int line);
    void validate(const std::string& table, bool is_new, Cursor& c, int line);
    void addConstraint(const std::string& table, bool is_new, Cursor& c, int line);
    void addColumn(const std::string& table, Cursor& c, size_t end, int line);
    // The first call in a DEFAULT expression that is volatile or of unknown volatility.
    std::optional<std::string> volatileCall(size_t from) const;
    bool existing(const std::string& table) const { return !created_.count(table); }

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

}  // namespace agora::migrate::lint
