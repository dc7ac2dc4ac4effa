#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "migrate/Migrator.h"

namespace agora::migrate {

// A rule the linter enforces: the id authors name in `-- agora:allow ID because ...`.
struct LintRule {
    std::string id;
    std::string summary;
    std::string fix;
};

struct LintFinding {
    std::string file;
    int line = 0;
    std::string rule;
    std::string message;
    std::string fix;
    std::string statement;  // first line of the offending statement
    bool allowed = false;   // suppressed by an opt-out; reported so reviewers see it
    std::string reason;     // the opt-out's reason
};

// Refuses statement forms that take long exclusive locks or break running code on a live
// database (DESIGN decision 6). It reads SQL only — no database — so it runs in CI and before
// anything touches a server. "Existing table" means a table not created in the same step: a
// step may index or constrain a table it just created without any ceremony.
class MigrationLinter {
public:
    static const std::vector<LintRule>& rules();
    static const LintRule* rule(const std::string& id);

    // `steps`: every step of one migration folder, in order (earlier steps matter: a validated
    // CHECK (col IS NOT NULL) in an earlier step makes SET NOT NULL safe). Only steps whose
    // names are in `selected` are reported, as `folder`/name.
    static std::vector<LintFinding> lint(const std::vector<Step>& steps,
                                         const std::set<std::string>& selected,
                                         const std::string& folder);

    // One step with no earlier context (unit tests, single files).
    static std::vector<LintFinding> lintStep(const Step& step, const std::string& file);

    // Findings that are not opted out.
    static size_t errorCount(const std::vector<LintFinding>& findings);

    // What `migrate rehearse` and `migrate apply` run before touching anything: the steps in
    // `pending` linted with every step of their folder (`all`) as context. Opt-outs work as in
    // `agora migrate lint`. Returns the findings not opted out.
    static std::vector<LintFinding> refusals(const std::vector<Step>& all,
                                             const std::vector<Step>& pending,
                                             const std::string& folder);
    // One line per finding: "file:line: rule: message (fix: ...)".
    static std::string describe(const std::vector<LintFinding>& findings);

    // Upper bound on an explicit lock_timeout in a step ("a few seconds"): longer, and every
    // query on the table queues for that long behind a waiting ALTER.
    static constexpr int64_t kMaxLockTimeoutMs = 5000;
};

}  // namespace agora::migrate
