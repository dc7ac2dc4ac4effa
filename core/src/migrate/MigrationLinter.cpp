#include "migrate/MigrationLinter.h"

#include <algorithm>

#include "migrate/StepLinter.h"

namespace agora::migrate {

using lint::Knowledge;
using lint::StepLinter;

std::vector<LintFinding> MigrationLinter::lint(const std::vector<Step>& steps,
                                               const std::set<std::string>& selected,
                                               const std::string& folder) {
    Knowledge knowledge;
    std::vector<LintFinding> out;
    for (const auto& s : steps) {
        std::string file = folder.empty() ? s.name : folder + "/" + s.name;
        auto found = StepLinter(s, file, knowledge, selected.count(s.name) > 0).run();
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

std::vector<LintFinding> MigrationLinter::lintStep(const Step& step, const std::string& file) {
    Knowledge knowledge;
    return StepLinter(step, file, knowledge, true).run();
}

size_t MigrationLinter::errorCount(const std::vector<LintFinding>& findings) {
    return static_cast<size_t>(
        std::count_if(findings.begin(), findings.end(), [](const auto& f) { return !f.allowed; }));
}

std::vector<LintFinding> MigrationLinter::refusals(const std::vector<Step>& all,
                                                   const std::vector<Step>& pending,
                                                   const std::string& folder) {
    std::set<std::string> selected;
    for (const auto& s : pending)
        selected.insert(s.name);
    std::vector<LintFinding> out;
    for (auto& f : lint(all, selected, folder))
        if (!f.allowed)
            out.push_back(std::move(f));
    return out;
}

std::string MigrationLinter::describe(const std::vector<LintFinding>& findings) {
    std::string out;
    for (const auto& f : findings)
        out += (out.empty() ? "" : "\n") + f.file + ":" + std::to_string(f.line) + ": " + f.rule +
               ": " + f.message + " (fix: " + f.fix + ")";
    return out;
}

}  // namespace agora::migrate
