#include <spdlog/spdlog.h>
#include <cstdio>
#include <fstream>

#include <iostream>
#include <sstream>

#include "cli/Command.h"
#include "cli/OwnerDb.h"
#include "migrate/Ledger.h"
#include "migrate/MigrationLinter.h"
#include "migrate/MigrationPlan.h"
#include "migrate/Rehearsal.h"
#include "migrate/Rollout.h"
#include "migrate/Stager.h"
#include "util/Error.h"

namespace agora::cli {

namespace {

namespace fs = std::filesystem;
using migrate::MigrationPlan;
using nlohmann::json;

std::string stepList(const migrate::TargetStatus& st, migrate::StepPlanState state) {
    std::string out;
    for (const auto& s : st.steps)
        if (s.state == state)
            out += (out.empty() ? "" : ", ") + s.step;
    return out;
}

int migrateStatus(const Args& args) {
    bool detail = args.has("all") || !args.positional().empty();
    OwnerDb db(2);
    auto plan = MigrationPlan::load(db.config().root);
    auto lease = db.pool().acquire();
    auto& c = *lease;
    std::vector<migrate::Target> targets;
    if (!args.positional().empty()) {
        for (const auto& slug : args.positional()) {
            auto t = MigrationPlan::tenant(c, slug);
            if (!t)
                throw Error::notFound("no tenant " + slug);
            targets.push_back(*t);
        }
    } else {
        targets = MigrationPlan::targets(c);
    }
    std::vector<migrate::TargetStatus> statuses;
    for (const auto& t : targets)
        statuses.push_back(plan.status(c, t));

    if (args.has("json")) {
        json out = json::array();
        for (const auto& s : statuses)
            out.push_back(s.toJson());
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    for (const auto& st : statuses) {
        std::string name = st.target.label() +
                           (st.target.isNetwork() ? "" : " (" + st.target.schema + ")") +
                           (st.target.isStaging() ? " [staging]" : "");
        if (!detail) {
            std::printf("%-44s %3zu applied, %3zu pending", name.c_str(), st.applied, st.pending);
            if (st.pending)
                std::printf(": %s", stepList(st, migrate::StepPlanState::Pending).c_str());
            if (st.edited)
                std::printf("  EDITED: %s", stepList(st, migrate::StepPlanState::Edited).c_str());
            if (st.missing)
                std::printf("  NO FILE: %s", stepList(st, migrate::StepPlanState::Missing).c_str());
            std::printf("\n");
            continue;
        }
        std::printf("%s\n", name.c_str());
        for (const auto& s : st.steps) {
            std::string note;
            if (s.state == migrate::StepPlanState::Pending)
                note = s.phase + (s.transactional ? "" : ", no-transaction");
            else if (s.state == migrate::StepPlanState::Edited)
                note = "file changed after it was applied: add a new step instead";
            else if (s.state == migrate::StepPlanState::Missing)
                note = "in the ledger, no file";
            std::printf("  %-40s %-8s %-19s %7s  %s\n", s.step.c_str(),
                        migrate::str(s.state).c_str(), s.applied_at.c_str(),
                        s.state == migrate::StepPlanState::Pending
                            ? ""
                            : (std::to_string(s.duration_ms) + " ms").c_str(),
                        note.c_str());
        }
    }
    return 0;
}

void printFinding(const migrate::LintFinding& f) {
    if (f.allowed) {
        std::cout << f.file << ":" << f.line << ": " << f.rule << " allowed: " << f.reason << "\n";
        return;
    }
    std::cout << f.file << ":" << f.line << ": " << f.rule << ": " << f.message << "\n"
              << "    " << f.statement << "\n"
              << "    fix: " << f.fix << "\n";
}

// The steps of each folder not yet applied to every target of its kind.
std::set<std::string> pendingSomewhere(db::PgConnection& c, const MigrationPlan& plan,
                                       bool network) {
    std::set<std::string> out;
    for (const auto& t : MigrationPlan::targets(c)) {
        if (t.isNetwork() != network)
            continue;
        for (const auto& s : plan.status(c, t).steps)
            if (s.state == migrate::StepPlanState::Pending ||
                s.state == migrate::StepPlanState::Edited)
                out.insert(s.step);
    }
    if (!network) {
        // With no tenants yet, every tenant step is still to be applied somewhere.
        bool any = false;
        for (const auto& t : MigrationPlan::targets(c))
            any = any || !t.isNetwork();
        if (!any)
            for (const auto& s : plan.tenantSteps())
                out.insert(s.name);
    }
    return out;
}

// A plugin step is pending while a tenant with the plugin enabled lacks it, or while no tenant
// has the plugin yet (it runs on the first enable).
bool pluginStepPending(db::PgConnection& c, const std::string& plugin, const std::string& step) {
    auto [lacking, enabled] = migrate::Ledger(c).pluginCoverage(plugin, plugin + "/" + step);
    return lacking > 0 || enabled == 0;
}

// Each file given, linted with the earlier files of its folder as context (a validated CHECK
// there).
std::vector<migrate::LintFinding> lintFiles(const std::vector<std::string>& files) {
    std::vector<migrate::LintFinding> findings;
    for (const auto& file : files) {
        fs::path p(file);
        std::ifstream in(p, std::ios::binary);
        if (!in)
            throw Error::invalid("FILES", "cannot read " + file);
        std::stringstream ss;
        ss << in.rdbuf();
        auto step = migrate::Migrator::makeStep(p.filename().string(), ss.str());
        auto steps = migrate::Migrator::loadSteps(p.parent_path().empty() ? "." : p.parent_path());
        std::erase_if(steps, [&](const auto& s) { return s.name == step.name; });
        steps.push_back(step);
        std::sort(steps.begin(), steps.end(),
                  [](const auto& a, const auto& b) { return a.name < b.name; });
        auto found = migrate::MigrationLinter::lint(
            steps, {step.name}, p.parent_path().empty() ? "" : p.parent_path().string());
        findings.insert(findings.end(), found.begin(), found.end());
    }
    return findings;
}

struct LintFolder {
    std::string label;
    std::vector<migrate::Step> steps;
    std::set<std::string> selected;
    std::string plugin;  // plugin folders: ledger names are "plugin/NNN_x.sql"
};

// Core's two folders, then each plugin's (applied when a tenant enables the plugin).
std::vector<LintFolder> lintFolders(const Config& config, const MigrationPlan& plan) {
    std::vector<LintFolder> folders = {{"migrations/network", plan.networkSteps(), {}, ""},
                                       {"migrations/tenant", plan.tenantSteps(), {}, ""}};
    if (!fs::is_directory(config.root / "plugins"))
        return folders;
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(config.root / "plugins"))
        if (fs::is_directory(e.path() / "migrations"))
            dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs)
        folders.push_back({"plugins/" + d.filename().string() + "/migrations",
                           migrate::Migrator::loadSteps(d / "migrations"),
                           {},
                           d.filename().string()});
    return folders;
}

// Selects the steps still pending somewhere; false when there is no ledger to read.
bool selectPending(const Config& config, const MigrationPlan& plan,
                   std::vector<LintFolder>& folders) {
    try {
        OwnerDb db(1, config);
        auto lease = db.pool().acquire();
        folders[0].selected = pendingSomewhere(*lease, plan, true);
        folders[1].selected = pendingSomewhere(*lease, plan, false);
        for (size_t i = 2; i < folders.size(); ++i)
            for (const auto& s : folders[i].steps)
                if (pluginStepPending(*lease, folders[i].plugin, s.name))
                    folders[i].selected.insert(s.name);
        return true;
    } catch (const std::exception& e) {
        std::cerr << "agora migrate lint: no ledger to read (" << e.what()
                  << "); linting every step\n";
        return false;
    }
}

void printLint(const std::vector<migrate::LintFinding>& findings, size_t linted, bool as_json) {
    size_t errors = migrate::MigrationLinter::errorCount(findings);
    if (as_json) {
        json out = {{"steps", linted}, {"errors", errors}, {"findings", json::array()}};
        for (const auto& f : findings) {
            json j = {{"file", f.file},       {"line", f.line}, {"rule", f.rule},
                      {"message", f.message}, {"fix", f.fix},   {"statement", f.statement},
                      {"allowed", f.allowed}};
            if (f.allowed)
                j["reason"] = f.reason;
            out["findings"].push_back(j);
        }
        std::cout << out.dump(2) << "\n";
        return;
    }
    for (const auto& f : findings)
        printFinding(f);
    std::cout << (errors ? std::to_string(errors) + " problem(s)" : std::string("clean")) << " in "
              << linted << " step(s)";
    if (findings.size() > errors)
        std::cout << " (" << findings.size() - errors << " opt-out(s))";
    std::cout << "\n";
}

int migrateLint(const Args& args) {
    if (args.has("rules")) {
        for (const auto& r : migrate::MigrationLinter::rules())
            std::cout << r.id << "\n    " << r.summary << "\n    fix: " << r.fix << "\n";
        return 0;
    }
    std::vector<migrate::LintFinding> findings;
    size_t linted = 0;
    if (!args.positional().empty()) {
        findings = lintFiles(args.positional());
        linted = args.positional().size();
    } else {
        auto config = Config::load();
        auto plan = MigrationPlan::load(config.root);
        auto folders = lintFolders(config, plan);
        bool everything = args.has("all") || !selectPending(config, plan, folders);
        for (auto& f : folders) {
            if (everything)
                for (const auto& s : f.steps)
                    f.selected.insert(s.name);
            auto found = migrate::MigrationLinter::lint(f.steps, f.selected, f.label);
            findings.insert(findings.end(), found.begin(), found.end());
            linted += f.selected.size();
        }
    }
    printLint(findings, linted, args.has("json"));
    return migrate::MigrationLinter::errorCount(findings) ? 1 : 0;
}

int maxLockMs(const Args& args) {
    int ms = args.integer("max-lock-ms", 500);
    if (ms <= 0)
        throw UsageError("--max-lock-ms must be positive");
    return ms;
}

int migrateRehearse(const Args& args) {
    auto slug = args.pos(0, "SLUG");
    OwnerDb db(4);
    db.initNetwork();
    Progress progress("migrate rehearse");
    migrate::RehearsalOptions options;
    options.apply.max_lock_ms = maxLockMs(args);
    options.probe = !args.has("no-probe");
    options.progress = [&](const std::string& m) { progress.update(m); };
    auto report = migrate::Rehearsal(db.pool(), db.url(), MigrationPlan::load(db.config().root))
                      .run(slug, options);
    progress.done(report.value("ok", false) ? "done" : "failed");
    if (auto html = args.get("html")) {
        std::ofstream out(*html, std::ios::binary | std::ios::trunc);
        out << migrate::Rehearsal::renderHtml(report);
        if (!out.flush())
            throw Error::invalid("html", "cannot write " + *html);
        std::cerr << "agora migrate rehearse: wrote " << *html << "\n";
    }
    if (args.has("json"))
        std::cout << report.dump(2) << "\n";
    else
        std::cout << migrate::Rehearsal::render(report);
    return report.value("ok", false) ? 0 : 1;
}

int migrateApply(const Args& args) {
    bool all = args.has("all");
    if (all == !args.positional().empty())
        throw UsageError("give one SLUG or --all");
    OwnerDb db(2);
    db.initNetwork();
    Progress progress("migrate apply");
    migrate::RolloutOptions options;
    options.apply.max_lock_ms = maxLockMs(args);
    options.apply.shadow.batch_rows = args.integer("batch-rows", 5000);
    if (options.apply.shadow.batch_rows <= 0)
        throw UsageError("--batch-rows must be positive");
    options.unrehearsed = args.has("unrehearsed");
    options.contract = args.has("contract");
    if (auto c = args.get("canary"))
        options.canaries = splitList(*c);
    options.progress = [&](const std::string& m) { progress.update(m); };
    auto result = migrate::Rollout(db.pool(), db.url(), MigrationPlan::load(db.config().root))
                      .run(all ? std::vector<std::string>{} : args.positional(), options);
    std::map<migrate::RolloutStatus, int> counts;
    for (const auto& t : result.tenants)
        ++counts[t.status];
    progress.done(result.ok ? "done" : "finished with failures");
    if (args.has("json")) {
        std::cout << result.toJson().dump(2) << "\n";
    } else {
        for (const auto& t : result.tenants) {
            std::printf("%-28s %-8s %-11s", t.slug.c_str(), migrate::str(t.wave).c_str(),
                        migrate::str(t.status).c_str());
            if (!t.applied.empty()) {
                std::string list;
                for (const auto& s : t.applied)
                    list += (list.empty() ? "" : ", ") + s;
                std::printf(" %s", list.c_str());
            }
            if (!t.error.empty())
                std::printf(" %s", t.error.c_str());
            if (!t.held.empty())
                std::printf(
                    " (contract steps held back: %zu, run with --contract after the "
                    "deploy)",
                    t.held.size());
            std::printf("\n");
        }
        std::printf("%d applied, %d up to date, %d failed, %d refused, %d skipped\n",
                    counts[migrate::RolloutStatus::Applied],
                    counts[migrate::RolloutStatus::UpToDate],
                    counts[migrate::RolloutStatus::Failed], counts[migrate::RolloutStatus::Refused],
                    counts[migrate::RolloutStatus::Skipped]);
    }
    if (!result.ok)
        std::cerr << "agora migrate apply: "
                  << counts[migrate::RolloutStatus::Failed] +
                         counts[migrate::RolloutStatus::Refused] +
                         counts[migrate::RolloutStatus::Skipped]
                  << " tenant(s) not migrated; rerun to continue\n";
    return result.ok ? 0 : 1;
}

int tenantStage(const Args& args) {
    auto slug = args.pos(0, "SLUG");
    OwnerDb db(3);
    db.initNetwork();
    Progress progress("tenant stage");
    auto r = Stager(db.pool(), db.url()).stage(slug, args.has("verify"), [&](const std::string& m) {
        progress.update(m);
    });
    progress.done((r.created ? "created " : "refreshed ") + r.slug);
    if (args.has("json")) {
        std::cout << r.toJson().dump(2) << "\n";
    } else {
        std::string hosts;
        for (const auto& h : r.hosts)
            hosts += (hosts.empty() ? "" : ", ") + h;
        std::cout << r.slug << " (" << r.schema << "): " << (r.created ? "created" : "refreshed")
                  << " from " << r.parent << " in " << r.ms << " ms, " << r.ledger_rows
                  << " ledger rows, " << r.members << " members, serving " << hosts
                  << (args.has("verify") ? "; row counts and checksums match" : "") << "\n";
    }
    return 0;
}

}  // namespace

void addMigrateCommands(std::vector<Command>& commands) {
    commands.push_back({"migrate status",
                        "[SLUG...|--all] [--json]",
                        "applied and pending migration steps per tenant (and network)",
                        {},
                        {"all", "json"},
                        migrateStatus});
    commands.push_back(
        {"migrate lint",
         "[FILES...] [--all] [--json] [--rules]",
         "refuse dangerous forms in pending steps (or FILES), with the rule and a fix",
         {},
         {"all", "json", "rules"},
         migrateLint});
    commands.push_back({"migrate rehearse",
                        "SLUG [--max-lock-ms N] [--no-probe] [--json] [--html FILE]",
                        "lint, stage, apply pending steps to staging, report time, locks, "
                        "rewrites (--html: a self-contained page with the timeline)",
                        {"max-lock-ms", "html"},
                        {"json", "no-probe"},
                        migrateRehearse});
    commands.push_back({"migrate apply",
                        "SLUG|--all [--max-lock-ms N] [--unrehearsed] [--canary a,b] [--contract] "
                        "[--batch-rows N] [--json]",
                        "apply pending steps online (linted, and rehearsed ones only unless "
                        "--unrehearsed)",
                        {"max-lock-ms", "canary", "batch-rows"},
                        {"all", "unrehearsed", "contract", "json"},
                        migrateApply});
    commands.push_back({"tenant stage",
                        "SLUG [--verify] [--json]",
                        "create or refresh SLUG-staging: a consistent copy of the tenant",
                        {},
                        {"verify", "json"},
                        tenantStage});
}

}  // namespace agora::cli
