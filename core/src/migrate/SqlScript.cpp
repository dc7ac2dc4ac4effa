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

SqlScript SqlScript::parse(std::string_view sql) {
    SqlScript script;
    size_t i = 0, n = sql.size();
    int line = 1;
    SqlStatement current;
    size_t stmt_begin = std::string_view::npos;
    std::vector<SqlComment> pending;  // comments since the last statement ended
    bool seen_statement = false;

    auto advance = [&](size_t to) {
        for (; i < to && i < n; ++i)
            if (sql[i] == '\n')
                ++line;
    };
    auto push = [&](SqlToken::Kind kind, std::string text, int at_line, size_t begin) {
        if (stmt_begin == std::string_view::npos) {
            stmt_begin = begin;
            current.line = at_line;
            current.leading = std::move(pending);
            pending.clear();
        }
        SqlToken t;
        t.kind = kind;
        t.upper = kind == SqlToken::Kind::Word ? upperOf(text) : text;
        t.text = std::move(text);
        t.line = at_line;
        current.tokens.push_back(std::move(t));
    };
    auto finish = [&](size_t end) {
        if (stmt_begin != std::string_view::npos && !current.tokens.empty()) {
            current.sql = std::string(sql.substr(stmt_begin, end - stmt_begin));
            while (!current.sql.empty() &&
                   std::isspace(static_cast<unsigned char>(current.sql.back())))
                current.sql.pop_back();
            current.end_line = current.tokens.back().line;
            if (!seen_statement)
                script.header_ = current.leading;
            seen_statement = true;
            script.statements_.push_back(std::move(current));
        }
        current = SqlStatement{};
        stmt_begin = std::string_view::npos;
    };

    while (i < n) {
        char c = sql[i];
        int at = line;
        size_t begin = i;
        if (c == '\n' || std::isspace(static_cast<unsigned char>(c))) {
            advance(i + 1);
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            size_t e = sql.find('\n', i);
            if (e == std::string_view::npos)
                e = n;
            SqlComment com{at, trim(sql.substr(i + 2, e - i - 2))};
            script.comments_.push_back(com);
            // Comments inside a statement don't lead the next one.
            if (stmt_begin == std::string_view::npos)
                pending.push_back(std::move(com));
            advance(e);
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            // Block comments nest in PostgreSQL.
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
            advance(j);
        } else if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql[i + 1] == '\'' &&
                                 (i == 0 || !identChar(sql[i - 1])))) {
            bool escapes = c != '\'';
            size_t j = escapes ? i + 2 : i + 1;
            std::string text;
            while (j < n) {
                if (escapes && sql[j] == '\\' && j + 1 < n) {
                    text += sql[j + 1];
                    j += 2;
                } else if (sql[j] == '\'') {
                    if (j + 1 < n && sql[j + 1] == '\'') {
                        text += '\'';
                        j += 2;
                    } else {
                        ++j;
                        break;
                    }
                } else {
                    text += sql[j++];
                }
            }
            push(SqlToken::Kind::String, std::move(text), at, begin);
            advance(j);
        } else if (c == '"') {
            size_t j = i + 1;
            std::string text;
            while (j < n) {
                if (sql[j] == '"') {
                    if (j + 1 < n && sql[j + 1] == '"') {
                        text += '"';
                        j += 2;
                    } else {
                        ++j;
                        break;
                    }
                } else {
                    text += sql[j++];
                }
            }
            push(SqlToken::Kind::QuotedIdent, std::move(text), at, begin);
            advance(j);
        } else if (c == '$' && i + 1 < n && !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
            // Dollar quote: $tag$ ... $tag$ (tag may be empty).
            size_t j = i + 1;
            while (j < n && sql[j] != '$' && identChar(sql[j]))
                ++j;
            if (j < n && sql[j] == '$') {
                std::string tag(sql.substr(i, j - i + 1));
                size_t body = j + 1;
                size_t close = sql.find(tag, body);
                size_t end = close == std::string_view::npos ? n : close + tag.size();
                std::string text(
                    sql.substr(body, (close == std::string_view::npos ? n : close) - body));
                push(SqlToken::Kind::String, std::move(text), at, begin);
                advance(end);
            } else {
                push(SqlToken::Kind::Punct, "$", at, begin);
                advance(i + 1);
            }
        } else if (identStart(c)) {
            size_t j = i + 1;
            while (j < n && identChar(sql[j]))
                ++j;
            push(SqlToken::Kind::Word, std::string(sql.substr(i, j - i)), at, begin);
            advance(j);
        } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                   (c == '.' && i + 1 < n &&
                    std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
            size_t j = i + 1;
            while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '.' ||
                             sql[j] == '_'))
                ++j;
            push(SqlToken::Kind::Number, std::string(sql.substr(i, j - i)), at, begin);
            advance(j);
        } else if (c == ';') {
            finish(i);
            advance(i + 1);
        } else if (c == ':' && i + 1 < n && sql[i + 1] == ':') {
            push(SqlToken::Kind::Punct, "::", at, begin);
            advance(i + 2);
        } else {
            push(SqlToken::Kind::Punct, std::string(1, c), at, begin);
            advance(i + 1);
        }
    }
    finish(n);
    script.trailing_ = std::move(pending);
    if (!seen_statement)
        script.header_ = script.trailing_;
    return script;
}

}  // namespace agora::migrate
