#include "migrate/StepStatements.h"

namespace agora::migrate {

bool setsLockTimeout(const SqlStatement& st) {
    const auto& t = st.tokens;
    for (size_t i = 0; i < t.size(); ++i) {
        if ((t[i].kind == SqlToken::Kind::Word && t[i].name() == "lock_timeout") ||
            (t[i].kind == SqlToken::Kind::String && t[i].text == "lock_timeout"))
            return t[0].is("SET") || t[0].is("SELECT") || t[0].is("RESET");
    }
    return false;
}

bool mentionsSetting(const SqlStatement& st, const std::string& name) {
    const auto& t = st.tokens;
    if (t.empty() || !(t[0].is("SET") || t[0].is("SELECT") || t[0].is("RESET")))
        return false;
    for (const auto& tok : t)
        if ((tok.kind == SqlToken::Kind::Word && tok.name() == name) ||
            (tok.kind == SqlToken::Kind::String && tok.text == name) ||
            (t[0].is("RESET") && tok.is("ALL")))
            return true;
    return false;
}

bool concurrent(const SqlStatement& st) {
    for (const auto& tok : st.tokens)
        if (tok.is("CONCURRENTLY"))
            return true;
    return false;
}

bool mayRunLong(const SqlStatement& st) {
    return concurrent(st) || (!st.tokens.empty() && st.tokens[0].is("DO"));
}

std::string concurrentIndexName(const SqlStatement& st) {
    const auto& t = st.tokens;
    size_t i = 0;
    if (i >= t.size() || !t[i++].is("CREATE"))
        return "";
    if (i < t.size() && t[i].is("UNIQUE"))
        ++i;
    if (i + 1 >= t.size() || !t[i].is("INDEX") || !t[i + 1].is("CONCURRENTLY"))
        return "";
    i += 2;
    if (i + 2 < t.size() && t[i].is("IF") && t[i + 1].is("NOT") && t[i + 2].is("EXISTS"))
        i += 3;
    if (i >= t.size() || !t[i].ident() || t[i].is("ON"))
        return "";
    std::string name = t[i].name();
    // schema.name: the last part
    while (i + 2 < t.size() && t[i + 1].punct(".") && t[i + 2].ident()) {
        name = t[i + 2].name();
        i += 2;
    }
    return name;
}

}  // namespace agora::migrate
