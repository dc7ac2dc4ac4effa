#include "plugins/PluginSql.h"

#include <libpq-fe.h>

#include <array>
#include <cctype>

namespace agora {

namespace {

// Skips blanks, `--` comments, nested `/* */` comments and opening parentheses.
size_t skipToKeyword(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        unsigned char ch = static_cast<unsigned char>(s[i]);
        if (std::isspace(ch) || ch == '(') {
            ++i;
        } else if (s.compare(i, 2, "--") == 0) {
            auto nl = s.find('\n', i);
            i = nl == std::string_view::npos ? s.size() : nl + 1;
        } else if (s.compare(i, 2, "/*") == 0) {
            int depth = 0;
            while (i < s.size()) {
                if (s.compare(i, 2, "/*") == 0) {
                    ++depth;
                    i += 2;
                } else if (s.compare(i, 2, "*/") == 0) {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    ++i;
                }
            }
        } else {
            break;
        }
    }
    return i;
}

}  // namespace

bool PluginSql::isRowStatement(std::string_view sql) {
    size_t i = skipToKeyword(sql);
    std::string word;
    while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])))
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i++])));
    // The keyword must end there ("selectx" is not SELECT; a quoted identifier isn't either).
    if (i < sql.size()) {
        unsigned char next = static_cast<unsigned char>(sql[i]);
        if (std::isalnum(next) || next == '_' || next == '$' || next == '"')
            return false;
    }
    static constexpr std::array<std::string_view, 7> kAllowed = {
        "select", "insert", "update", "delete", "with", "values", "table"};
    for (auto w : kAllowed)
        if (word == w)
            return true;
    return false;
}

db::PgResult PluginSql::run(db::PgConnection& conn, const std::string& role, const std::string& sql,
                            const db::Params& params) {
    if (role.empty())
        return conn.query(sql, params);
    conn.exec("SET ROLE " + conn.quoteIdent(role));
    try {
        auto r = conn.query(sql, params);
        conn.exec("RESET ROLE");
        return r;
    } catch (...) {
        if (PQtransactionStatus(conn.raw()) == PQTRANS_IDLE) {
            try {
                conn.exec("RESET ROLE");
            } catch (...) {
                // A broken connection: the pool closes it rather than reuse it.
            }
        }
        throw;
    }
}

}  // namespace agora
