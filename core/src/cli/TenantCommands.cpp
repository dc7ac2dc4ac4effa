#include <chrono>
#include <iostream>
#include <sstream>

#include "app/App.h"
#include "cli/Command.h"
#include "network/TenantService.h"
#include "util/Error.h"

namespace agora::cli {

namespace {

json summaryJson(const TenantSummary& t) {
    return {{"id", t.id},
            {"slug", t.slug},
            {"name", t.name},
            {"schema", t.schema},
            {"theme", t.theme},
            {"status", t.status},
            {"hosts", t.hosts},
            {"plugins", t.plugins},
            {"staging_of", t.staging_of ? json(*t.staging_of) : json(nullptr)},
            {"settings", t.settings},
            {"members", t.members}};
}

int tenantAdd(const Args& args) {
    TenantFile f;
    f.slug = args.pos(0, "SLUG");
    f.hosts = splitList(args.require("host"));
    f.name = args.get("name").value_or(f.slug);
    f.theme = args.get("theme").value_or("default");
    if (auto p = args.get("plugins"))
        f.plugins = splitList(*p);
    if (auto s = args.get("staging-of"))
        f.staging_of = *s;
    App app(Config::load(), 2);
    app.initNetwork();
    // Plugin names are checked against what is installed, and their migrations run.
    app.loadPlugins();
    auto start = std::chrono::steady_clock::now();
    int64_t id = TenantService(app, app.plugins()).add(f);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    if (args.has("json"))
        std::cout << json{{"id", id}, {"slug", f.slug}, {"hosts", f.hosts}, {"ms", ms}}.dump()
                  << "\n";
    else
        std::cout << "created " << f.slug << " (id " << id << ") in " << ms << " ms, serving "
                  << f.hosts.front() << "\n";
    return 0;
}

int tenantApply(const Args& args) {
    if (args.positional().empty())
        throw UsageError("missing FILE.toml");
    // Parse every file first: one malformed file means nothing is applied.
    std::vector<TenantFile> files;
    for (const auto& path : args.positional())
        files.push_back(TenantFile::load(path));
    App app(Config::load(), 2);
    app.initNetwork();
    // Plugins register settings ([abilities.*]) and bring migrations: load them first.
    app.loadPlugins();
    app.directory().reload();
    TenantService service(app, app.plugins());
    // Parents before their staging copies.
    std::stable_sort(files.begin(), files.end(), [](const TenantFile& a, const TenantFile& b) {
        return !a.staging_of && b.staging_of;
    });
    for (const auto& f : files) {
        bool changed = service.apply(f);
        std::cout << f.slug << ": " << (changed ? "applied" : "unchanged") << "\n";
    }
    return 0;
}

int tenantList(const Args& args) {
    App app(Config::load(), 2);
    auto tenants = TenantService(app, app.plugins()).list();
    if (args.has("json")) {
        json out = json::array();
        for (const auto& t : tenants)
            out.push_back(summaryJson(t));
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    std::printf("%-24s %-28s %-8s %7s  %s\n", "SLUG", "NAME", "STATUS", "MEMBERS", "HOSTS");
    for (const auto& t : tenants) {
        std::string hosts;
        for (const auto& h : t.hosts)
            hosts += (hosts.empty() ? "" : ",") + h;
        std::printf("%-24s %-28s %-8s %7lld  %s\n", t.slug.c_str(), t.name.substr(0, 28).c_str(),
                    t.status.c_str(), static_cast<long long>(t.members), hosts.c_str());
    }
    return 0;
}

int tenantShow(const Args& args) {
    App app(Config::load(), 2);
    auto t = TenantService(app, app.plugins()).show(args.pos(0, "SLUG"));
    if (!t)
        throw Error::notFound("no tenant " + args.pos(0, "SLUG"));
    if (args.has("json")) {
        std::cout << summaryJson(*t).dump(2) << "\n";
        return 0;
    }
    std::cout << "slug:       " << t->slug << "\nname:       " << t->name
              << "\nschema:     " << t->schema << "\ntheme:      " << t->theme
              << "\nstatus:     " << t->status << "\nmembers:    " << t->members << "\n";
    if (t->staging_of)
        std::cout << "staging of: " << *t->staging_of << "\n";
    std::cout << "hosts:     ";
    for (const auto& h : t->hosts)
        std::cout << " " << h;
    std::cout << "\nplugins:   ";
    for (const auto& p : t->plugins)
        std::cout << " " << p;
    std::cout << "\nsettings:\n";
    for (const auto& [k, v] : t->settings)
        std::cout << "  " << k << " = " << v.dump() << "\n";
    return 0;
}

int tenantExport(const Args& args) {
    App app(Config::load(), 2);
    std::cout << TenantService(app, app.plugins()).exportFile(args.pos(0, "SLUG")).toToml();
    return 0;
}

}  // namespace

void addTenantCommands(std::vector<Command>& commands) {
    commands.push_back(
        {"tenant add",
         "SLUG --host HOST[,HOST] [--name NAME] [--theme T] [--plugins a,b] [--json]",
         "create a community: schema, migrations, default settings",
         {"host", "name", "theme", "plugins", "staging-of"},
         {"json"},
         tenantAdd});
    commands.push_back({"tenant apply",
                        "FILE.toml [FILE.toml...]",
                        "create or update tenants from their files (idempotent)",
                        {},
                        {},
                        tenantApply});
    commands.push_back({"tenant list", "[--json]", "list communities", {}, {"json"}, tenantList});
    commands.push_back(
        {"tenant show", "SLUG [--json]", "one community in detail", {}, {"json"}, tenantShow});
    commands.push_back(
        {"tenant export", "SLUG", "print the community's tenant file", {}, {}, tenantExport});
}

}  // namespace agora::cli
