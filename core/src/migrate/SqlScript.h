#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agora::migrate {

// One lexical token of a PostgreSQL script. Words are upper-cased in `upper` so rules can
// compare keywords without caring how the author spelled them; `text` keeps the original.
struct SqlToken {
    enum class Kind { Word, QuotedIdent, String, Number, Punct };
    Kind kind = Kind::Punct;
    std::string text;   // as written (quoted identifiers without their quotes)
    std::string upper;  // upper-cased text for words, same as text otherwise
    int line = 0;

    bool is(std::string_view keyword) const { return kind == Kind::Word && upper == keyword; }
    bool punct(std::string_view p) const { return kind == Kind::Punct && text == p; }
    bool ident() const { return kind == Kind::Word || kind == Kind::QuotedIdent; }
    // The name PostgreSQL would use: unquoted words fold to lower case, quoted ones don't.
    std::string name() const;
};

// A `--` comment line. Directives (`-- agora:...`) live in these.
struct SqlComment {
    int line = 0;
    std::string text;  // after the dashes, trimmed
};

struct SqlStatement {
    std::string sql;  // the original text, without the terminating semicolon
    int line = 0;     // line of the first token (1-based)
    int end_line = 0;
    std::vector<SqlToken> tokens;
    std::vector<SqlComment> leading;  // comments between the previous statement and this one
};

// A migration file split into statements the way psql would split it: semicolons inside
// strings, dollar-quoted bodies, quoted identifiers and comments don't end a statement. The
// linter reads the tokens; the online applier runs the statements one at a time so that each
// gets its own lock timeout and retry.
class SqlScript {
public:
    static SqlScript parse(std::string_view sql);

    const std::vector<SqlStatement>& statements() const { return statements_; }
    // Comments before the first statement: directives there apply to the whole file.
    const std::vector<SqlComment>& header() const { return header_; }
    const std::vector<SqlComment>& comments() const { return comments_; }
    // Comments after the last statement.
    const std::vector<SqlComment>& trailing() const { return trailing_; }

private:
    std::vector<SqlStatement> statements_;
    std::vector<SqlComment> header_;
    std::vector<SqlComment> comments_;
    std::vector<SqlComment> trailing_;
};

}  // namespace agora::migrate
