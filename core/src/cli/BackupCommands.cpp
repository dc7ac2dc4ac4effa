#include <spdlog/spdlog.h>

#include <iostream>
#include <sstream>

#include "cli/Command.h"
#include "cli/OwnerDb.h"
#include "migrate/TenantBackup.h"
#include "util/Error.h"

namespace agora::cli {

namespace {

using nlohmann::json;

int backup(const Args& args) {
    bool all = args.has("all");
    if (all == !args.positional().empty())
        throw UsageError("give one SLUG or --all");
    std::filesystem::path dir = args.require("to");
    OwnerDb db(2);
    db.initNetwork();
    std::vector<std::string> slugs = args.positional();
    if (all) {
        // Staging copies are copies: back up what they were copied from.
        auto lease = db.pool().acquire();
        auto r = lease->q("SELECT slug FROM network.tenants WHERE staging_of IS NULL ORDER BY id");
        for (int i = 0; i < r.rows(); ++i)
            slugs.push_back(r.str(i, 0));
    }
    Progress progress("backup");
    migrate::TenantBackup service(db.pool(), db.url());
    json out = json::array();
    for (const auto& slug : slugs) {
        auto r = service.backup(slug, dir, [&](const std::string& m) { progress.update(m); });
        out.push_back(r.toJson());
        if (!args.has("json"))
            std::cout << slug << ": " << r.tables << " tables, " << r.rows << " rows, "
                      << r.dump_bytes << " bytes in " << r.dir.string() << " (" << r.ms << " ms)\n";
    }
    progress.done(std::to_string(slugs.size()) + " tenant(s) backed up");
    if (args.has("json"))
        std::cout << out.dump(2) << "\n";
    return 0;
}

int restore(const Args& args) {
    auto slug = args.pos(0, "SLUG");
    std::filesystem::path dir = args.require("from");
    migrate::RestoreOptions options;
    options.as_slug = args.get("as");
    if (auto h = args.get("host"))
        options.hosts = splitList(*h);
    OwnerDb db(2);
    db.initNetwork();
    Progress progress("restore");
    auto r = migrate::TenantBackup(db.pool(), db.url())
                 .restore(slug, dir, options, [&](const std::string& m) { progress.update(m); });
    progress.done("restored " + r.slug);
    if (args.has("json")) {
        std::cout << r.toJson().dump(2) << "\n";
    } else {
        std::string hosts;
        for (const auto& h : r.hosts)
            hosts += (hosts.empty() ? "" : ", ") + h;
        std::cout << r.slug << " (" << r.schema << "): " << (r.created ? "created" : "refilled")
                  << " from " << dir.string() << ", " << r.tables << " tables, " << r.rows
                  << " rows, counts and checksums match; serving "
                  << (hosts.empty() ? "no host" : hosts) << " (" << r.ms << " ms)\n";
    }
    return 0;
}

}  // namespace

void addBackupCommands(std::vector<Command>& commands) {
    commands.push_back({"backup",
                        "SLUG|--all --to DIR [--json]",
                        "consistent per-tenant backup: pg_dump of the schema plus a manifest",
                        {"to"},
                        {"all", "json"},
                        backup});
    commands.push_back({"restore",
                        "SLUG --from DIR [--as NEWSLUG] [--host H[,H]] [--json]",
                        "restore a tenant backup into a new or emptied tenant, verified",
                        {"from", "as", "host"},
                        {"json"},
                        restore});
}

}  // namespace agora::cli
