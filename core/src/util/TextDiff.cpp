#include "util/TextDiff.h"

#include <dtl/dtl.hpp>
#include <vector>

namespace agora {

std::string escapeHtml(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

// Words and the whitespace after them stay together so the output keeps line breaks.
std::vector<std::string> tokens(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i < s.size(); ++i) {
        cur += s[i];
        bool space = std::isspace(static_cast<unsigned char>(s[i]));
        bool next_word = i + 1 < s.size() && !std::isspace(static_cast<unsigned char>(s[i + 1]));
        if (space && next_word) {
            out.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

}  // namespace

std::string diffHtml(const std::string& before, const std::string& after) {
    auto a = tokens(before), b = tokens(after);
    dtl::Diff<std::string, std::vector<std::string>> diff(a, b);
    diff.compose();
    std::string out;
    int state = 0;  // 0 common, -1 in <del>, 1 in <ins>
    auto close = [&] {
        if (state == -1)
            out += "</del>";
        if (state == 1)
            out += "</ins>";
        state = 0;
    };
    for (const auto& [word, info] : diff.getSes().getSequence()) {
        int kind = info.type == dtl::SES_DELETE ? -1 : info.type == dtl::SES_ADD ? 1 : 0;
        if (kind != state) {
            close();
            if (kind == -1)
                out += "<del>";
            if (kind == 1)
                out += "<ins>";
            state = kind;
        }
        out += escapeHtml(word);
    }
    close();
    return out;
}

}  // namespace agora
