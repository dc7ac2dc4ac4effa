#include "migrate/LintSupport.h"

#include <sstream>

namespace agora::migrate::lint {

std::string firstLine(const std::string& sql) {
    auto nl = sql.find('\n');
    std::string s = nl == std::string::npos ? sql : sql.substr(0, nl) + " ...";
    if (s.size() > 120)
        s = s.substr(0, 117) + "...";
    return s;
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    return s.substr(b);
}

std::vector<std::pair<size_t, size_t>> splitActions(const std::vector<SqlToken>& t, size_t begin) {
    std::vector<std::pair<size_t, size_t>> out;
    int depth = 0;
    size_t start = begin;
    for (size_t i = begin; i < t.size(); ++i) {
        if (t[i].punct("("))
            ++depth;
        else if (t[i].punct(")"))
            --depth;
        else if (t[i].punct(",") && depth == 0) {
            out.emplace_back(start, i);
            start = i + 1;
        }
    }
    if (start < t.size())
        out.emplace_back(start, t.size());
    return out;
}

bool containsWord(const std::vector<SqlToken>& t, size_t b, size_t e, std::string_view kw) {
    for (size_t i = b; i < e && i < t.size(); ++i)
        if (t[i].is(kw))
            return true;
    return false;
}

std::optional<Directive> parseDirective(const SqlComment& c) {
    const std::string prefix = "agora:";
    if (c.text.rfind(prefix, 0) != 0)
        return std::nullopt;
    Directive d;
    d.line = c.line;
    std::string rest = c.text.substr(prefix.size());
    std::istringstream in(rest);
    std::string word;
    in >> word;
    if (word == "no-transaction") {
        d.kind = word;
    } else if (word == "phase") {
        std::string phase;
        in >> phase;
        d.kind = "phase";
        if (phase != "expand" && phase != "contract")
            d.error = "phase must be expand or contract, not \"" + phase + "\"";
    } else if (word == "shadow") {
        d.kind = "shadow";
        std::string table;
        in >> table;
        d.rules = {table};
        if (table.empty())
            d.error = "agora:shadow names no table";
    } else if (word == "allow") {
        d.kind = "allow";
        std::string ids;
        in >> ids;
        std::stringstream ss(ids);
        std::string id;
        while (std::getline(ss, id, ','))
            if (!id.empty())
                d.rules.push_back(id);
        std::string because;
        in >> because;
        std::string reason;
        std::getline(in, reason);
        d.reason = trimmed(reason);
        if (d.rules.empty())
            d.error = "agora:allow names no rule";
        else if (because != "because" || d.reason.empty())
            d.error = "agora:allow " + ids + " gives no reason (\"because ...\")";
    } else {
        d.error = "unknown directive \"agora:" + word + "\"";
    }
    return d;
}

}  // namespace agora::migrate::lint
