#include "migrate/SqlScript.h"

#include <cctype>

namespace agora::migrate {

namespace {

bool identStart(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalpha(u) || c == '_' || u >= 0x80;
}

bool identChar(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

std::string upperOf(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return std::string(s.substr(b, e - b));
}

}  // namespace

std::string SqlToken::name() const {
    if (kind != Kind::Word)
        return text;
    std::string out = text;
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

namespace {

// The end of a block comment starting at i (they nest in PostgreSQL).
size_t blockCommentEnd(std::string_view sql, size_t i) {
    size_t n = sql.size();
    int depth = 0;
    size_t j = i;
    while (j < n) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
            ++depth;
            j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
            j += 2;
            if (--depth == 0)
                break;
        } else {
            ++j;
        }
    }
    return j;
}

// 'text' or "ident" from `j` (just after the opening quote): a doubled quote is one quote, and
// with `escapes` (E'...') a backslash escapes the next character. Returns the end.
size_t quotedEnd(std::string_view sql, size_t j, char quote, bool escapes, std::string& text) {
    size_t n = sql.size();
    while (j < n) {
        if (escapes && sql[j] == '\\' && j + 1 < n) {
            text += sql[j + 1];
            j += 2;
        } else if (sql[j] == quote) {
            if (j + 1 < n && sql[j + 1] == quote) {
                text += quote;
                j += 2;
            } else {
                return j + 1;
            }
        } else {
            text += sql[j++];
        }
    }
    return j;
}

// Splits a script into statements of tokens (SqlScript::parse).
class Scanner {
public:
    explicit Scanner(std::string_view sql) : sql_(sql), n_(sql.size()) {}

    void run() {
        while (i_ < n_)
            token();
        finish(n_);
        trailing = std::move(pending_);
        if (!seen_statement_)
            header = trailing;
    }

    std::vector<SqlStatement> statements;
    std::vector<SqlComment> header, comments, trailing;

private:
    void advance(size_t to) {
        for (; i_ < to && i_ < n_; ++i_)
            if (sql_[i_] == '\n')
                ++line_;
    }

    void push(SqlToken::Kind kind, std::string text, int at_line, size_t begin) {
        if (stmt_begin_ == std::string_view::npos) {
            stmt_begin_ = begin;
            current_.line = at_line;
            current_.leading = std::move(pending_);
            pending_.clear();
        }
        SqlToken t;
        t.kind = kind;
        t.upper = kind == SqlToken::Kind::Word ? upperOf(text) : text;
        t.text = std::move(text);
        t.line = at_line;
        current_.tokens.push_back(std::move(t));
    }

    void finish(size_t end) {
        if (stmt_begin_ != std::string_view::npos && !current_.tokens.empty()) {
            current_.sql = std::string(sql_.substr(stmt_begin_, end - stmt_begin_));
            while (!current_.sql.empty() &&
                   std::isspace(static_cast<unsigned char>(current_.sql.back())))
                current_.sql.pop_back();
            current_.end_line = current_.tokens.back().line;
            if (!seen_statement_)
                header = current_.leading;
            seen_statement_ = true;
            statements.push_back(std::move(current_));
        }
        current_ = SqlStatement{};
        stmt_begin_ = std::string_view::npos;
    }

    bool at(size_t k, char c) const { return k < n_ && sql_[k] == c; }

    void lineComment(int at_line) {
        size_t e = sql_.find('\n', i_);
        if (e == std::string_view::npos)
            e = n_;
        SqlComment com{at_line, trim(sql_.substr(i_ + 2, e - i_ - 2))};
        comments.push_back(com);
        // Comments inside a statement don't lead the next one.
        if (stmt_begin_ == std::string_view::npos)
            pending_.push_back(std::move(com));
        advance(e);
    }

    // Dollar quote: $tag$ ... $tag$ (tag may be empty); a lone $ otherwise.
    void dollar(int at_line) {
        size_t j = i_ + 1;
        while (j < n_ && sql_[j] != '$' && identChar(sql_[j]))
            ++j;
        if (!at(j, '$')) {
            push(SqlToken::Kind::Punct, "$", at_line, i_);
            advance(i_ + 1);
            return;
        }
        std::string tag(sql_.substr(i_, j - i_ + 1));
        size_t body = j + 1;
        size_t close = sql_.find(tag, body);
        size_t end = close == std::string_view::npos ? n_ : close + tag.size();
        push(SqlToken::Kind::String,
             std::string(sql_.substr(body, (close == std::string_view::npos ? n_ : close) - body)),
             at_line, i_);
        advance(end);
    }

    // A run of characters from i_ while `more` holds: one token of `kind`.
    template <typename More>
    void span(SqlToken::Kind kind, int at_line, More more) {
        size_t j = i_ + 1;
        while (j < n_ && more(sql_[j]))
            ++j;
        push(kind, std::string(sql_.substr(i_, j - i_)), at_line, i_);
        advance(j);
    }

    void quoted(SqlToken::Kind kind, char quote, bool escapes, int at_line) {
        std::string text;
        size_t end = quotedEnd(sql_, i_ + (escapes ? 2 : 1), quote, escapes, text);
        push(kind, std::move(text), at_line, i_);
        advance(end);
    }

    void token() {
        char c = sql_[i_];
        int at_line = line_;
        auto digit = [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; };
        if (c == '\n' || std::isspace(static_cast<unsigned char>(c))) {
            advance(i_ + 1);
        } else if (c == '-' && at(i_ + 1, '-')) {
            lineComment(at_line);
        } else if (c == '/' && at(i_ + 1, '*')) {
            advance(blockCommentEnd(sql_, i_));
        } else if (c == '\'' || ((c == 'E' || c == 'e') && at(i_ + 1, '\'') &&
                                 (i_ == 0 || !identChar(sql_[i_ - 1])))) {
            quoted(SqlToken::Kind::String, '\'', c != '\'', at_line);
        } else if (c == '"') {
            quoted(SqlToken::Kind::QuotedIdent, '"', false, at_line);
        } else if (c == '$' && i_ + 1 < n_ && !digit(sql_[i_ + 1])) {
            dollar(at_line);
        } else if (identStart(c)) {
            span(SqlToken::Kind::Word, at_line, identChar);
        } else if (digit(c) || (c == '.' && i_ + 1 < n_ && digit(sql_[i_ + 1]))) {
            span(SqlToken::Kind::Number, at_line, [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_';
            });
        } else if (c == ';') {
            finish(i_);
            advance(i_ + 1);
        } else if (c == ':' && at(i_ + 1, ':')) {
            push(SqlToken::Kind::Punct, "::", at_line, i_);
            advance(i_ + 2);
        } else {
            push(SqlToken::Kind::Punct, std::string(1, c), at_line, i_);
            advance(i_ + 1);
        }
    }

    std::string_view sql_;
    size_t n_;
    size_t i_ = 0;
    int line_ = 1;
    SqlStatement current_;
    size_t stmt_begin_ = std::string_view::npos;
    std::vector<SqlComment> pending_;  // comments since the last statement ended
    bool seen_statement_ = false;
};

}  // namespace

SqlScript SqlScript::parse(std::string_view sql) {
    Scanner scanner(sql);
    scanner.run();
    SqlScript script;
    script.statements_ = std::move(scanner.statements);
    script.header_ = std::move(scanner.header);
    script.comments_ = std::move(scanner.comments);
    script.trailing_ = std::move(scanner.trailing);
    return script;
}

}  // namespace agora::migrate
