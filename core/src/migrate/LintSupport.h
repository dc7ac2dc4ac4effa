#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/SqlScript.h"

// What the linter's parts share (MigrationLinter, StepLinter, LintRules): token walking,
// directives, and what earlier steps proved. Internal to the linter.
namespace agora::migrate::lint {

// Functions whose value changes per row, those known not to, and type names that take "(".
extern const std::set<std::string> kVolatile;
extern const std::set<std::string> kNonVolatile;
extern const std::set<std::string> kTypeWords;

// First line of a statement (for findings), at most 120 characters.
std::string firstLine(const std::string& sql);
std::string trimmed(std::string s);

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
std::vector<std::pair<size_t, size_t>> splitActions(const std::vector<SqlToken>& t, size_t begin);
bool containsWord(const std::vector<SqlToken>& t, size_t b, size_t e, std::string_view kw);

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

// A `-- agora:...` comment; nullopt for any other comment.
std::optional<Directive> parseDirective(const SqlComment& c);

}  // namespace agora::migrate::lint
