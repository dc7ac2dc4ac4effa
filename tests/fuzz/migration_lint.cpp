// The migration linter (`agora migrate lint`, run before anything touches a server) over
// arbitrary SQL: the first byte picks the step's header flags, the rest is split at the first
// "\n--next--\n" into two steps of one folder, so rules that look at earlier steps run too.
// Every finding must name a known rule.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "migrate/MigrationLinter.h"

using agora::migrate::MigrationLinter;
using agora::migrate::Step;

namespace {

void checkFindings(const std::vector<agora::migrate::LintFinding>& findings) {
    for (const auto& f : findings)
        FUZZ_CHECK(MigrationLinter::rule(f.rule) != nullptr, "a finding names an unknown rule");
    FUZZ_CHECK(MigrationLinter::errorCount(findings) <= findings.size(), "error count");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0)
        return 0;
    uint8_t flags = data[0];
    std::string sql(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<Step> steps(1);
    auto cut = sql.find("\n--next--\n");
    if (cut != std::string::npos) {
        steps.resize(2);
        steps[1].sql = sql.substr(cut + 10);
        sql.resize(cut);
    }
    steps[0].sql = sql;
    std::set<std::string> names;
    for (size_t i = 0; i < steps.size(); ++i) {
        auto& s = steps[i];
        s.name = "00" + std::to_string(i + 1) + "_fuzz.sql";
        s.transactional = !(flags & 1);
        s.phase = (flags & 2) ? "contract" : "expand";
        if (flags & 4)
            s.shadow_table = "posts";
        names.insert(s.name);
    }
    checkFindings(MigrationLinter::lintStep(steps[0], "fuzz/" + steps[0].name));
    checkFindings(MigrationLinter::lint(steps, names, "fuzz"));
    return 0;
}
