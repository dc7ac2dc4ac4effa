// The migration splitter (SqlScript::parse) that both the linter and the online applier read.
// Beyond "no crash": lines only grow, and every statement but the last (which may end inside
// an unterminated string or comment) splits again, on its own, into exactly itself.
#include <cstdint>
#include <string>

#include "FuzzCheck.h"
#include "migrate/SqlScript.h"

using agora::migrate::SqlScript;
using agora::migrate::SqlStatement;

namespace {

bool sameTokens(const SqlStatement& a, const SqlStatement& b) {
    if (a.tokens.size() != b.tokens.size())
        return false;
    for (size_t i = 0; i < a.tokens.size(); ++i)
        if (a.tokens[i].kind != b.tokens[i].kind || a.tokens[i].text != b.tokens[i].text)
            return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string sql(reinterpret_cast<const char*>(data), size);
    auto script = SqlScript::parse(sql);
    const auto& stmts = script.statements();
    int last_line = 1;
    for (size_t i = 0; i < stmts.size(); ++i) {
        const auto& s = stmts[i];
        FUZZ_CHECK(!s.tokens.empty(), "a statement without tokens");
        FUZZ_CHECK(s.line >= last_line && s.end_line >= s.line, "statement lines go backwards");
        last_line = s.end_line;
        for (const auto& t : s.tokens) {
            FUZZ_CHECK(t.line >= s.line && t.line <= s.end_line, "a token outside its statement");
            t.name();
        }
        if (i + 1 < stmts.size()) {
            auto alone = SqlScript::parse(s.sql);
            FUZZ_CHECK(alone.statements().size() == 1, "a statement splits differently alone");
            FUZZ_CHECK(sameTokens(alone.statements()[0], s), "a statement tokenises differently");
        }
    }
    return 0;
}
