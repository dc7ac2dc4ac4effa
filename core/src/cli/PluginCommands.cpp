#include <spdlog/spdlog.h>

#include <iostream>
#include <map>

#include "app/App.h"
#include "cli/Command.h"
#include "network/PluginService.h"
#include "plugins/PluginHost.h"
#include "util/Error.h"

namespace agora::cli {

namespace {

std::string abi(const LoadedPlugin& p) {
    if (p.abi_major == 0 && p.abi_minor == 0)
        return "-";
    return std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor);
}

// Which tenants enabled each plugin; empty when the database can't be asked (the listing of
// files is still useful then).
std::map<std::string, std::vector<std::string>> enabledTenants(App& app, std::string& problem) {
    std::map<std::string, std::vector<std::string>> out;
    try {
        auto lease = app.pool().acquire();
        auto r = lease->q(
            "SELECT tp.plugin, t.slug FROM network.tenant_plugins tp JOIN network.tenants t "
            "ON t.id = tp.tenant_id WHERE tp.enabled ORDER BY t.slug");
        for (int i = 0; i < r.rows(); ++i)
            out[r.str(i, 0)].push_back(r.str(i, 1));
    } catch (const std::exception& e) {
        problem = e.what();
    }
    return out;
}

int pluginList(const Args& args) {
    App app(Config::load(), 1);
    {
        // Refusals are this command's output; the same lines in the log would only repeat it.
        auto level = spdlog::get_level();
        spdlog::set_level(spdlog::level::off);
        app.loadPlugins();
        spdlog::set_level(level);
    }
    const auto& host = app.plugins();
    std::string problem;
    auto tenants = enabledTenants(app, problem);
    if (args.has("json")) {
        json items = json::array();
        for (const auto& p : host.all()) {
            json item = {{"file", p->file.string()},   {"name", p->name}, {"version", p->version},
                         {"summary", p->summary},      {"abi", abi(*p)},  {"loaded", p->ok},
                         {"tenants", tenants[p->name]}};
            if (!p->ok) {
                item["error"] = p->error;
                item["hint"] = p->hint;
            }
            if (p->ok && !p->registration_errors.empty())
                item["warnings"] = p->registration_errors;
            items.push_back(std::move(item));
        }
        std::cout << json{{"dir", host.dir().string()},
                          {"host_abi", std::to_string(AGORA_PLUGIN_ABI_MAJOR) + "." +
                                           std::to_string(AGORA_PLUGIN_ABI_MINOR)},
                          {"plugins", items}}
                         .dump(2)
                  << "\n";
        return 0;
    }
    std::cout << "plugin directory: " << host.dir().string() << " (server ABI "
              << AGORA_PLUGIN_ABI_MAJOR << "." << AGORA_PLUGIN_ABI_MINOR << ")\n";
    if (host.all().empty()) {
        std::cout << "no plugins found\n";
        return 0;
    }
    std::printf("%-16s %-10s %-5s %-8s %s\n", "NAME", "VERSION", "ABI", "STATUS", "ENABLED ON");
    for (const auto& p : host.all()) {
        if (!p->ok)
            continue;
        std::string on;
        for (const auto& t : tenants[p->name])
            on += (on.empty() ? "" : ",") + t;
        std::printf("%-16s %-10s %-5s %-8s %s\n", p->name.c_str(), p->version.c_str(),
                    abi(*p).c_str(), "loaded", on.empty() ? "-" : on.c_str());
        for (const auto& w : p->registration_errors)
            std::cout << "  warning: " << w << "\n";
    }
    bool header = false;
    for (const auto& p : host.all()) {
        if (p->ok)
            continue;
        if (!header) {
            std::cout << "\nrefused:\n";
            header = true;
        }
        std::cout << "  " << p->file.filename().string() << ": " << p->error << "\n"
                  << "    hint: " << p->hint << "\n";
    }
    if (!problem.empty())
        std::cout << "\n(could not read which tenants enabled them: " << problem << ")\n";
    return 0;
}

int pluginToggle(const Args& args, bool enable) {
    std::string slug = args.pos(0, "SLUG");
    std::string name = args.pos(1, "NAME");
    App app(Config::load(), 2);
    app.initNetwork();
    app.loadPlugins();
    app.directory().reload();
    auto tenant = app.directory().bySlug(slug);
    if (!tenant)
        throw Error::notFound("no tenant " + slug);
    PluginService service(app, app.plugins());
    bool changed = enable ? service.enable(*tenant, name, std::nullopt)
                          : service.disable(*tenant, name, std::nullopt);
    std::cout << name << " " << (changed ? "" : "was already ") << (enable ? "enabled" : "disabled")
              << " on " << slug << "\n";
    return 0;
}

}  // namespace

void addPluginCommands(std::vector<Command>& commands) {
    commands.push_back({"plugin list",
                        "[--json]",
                        "plugins found, with version, ABI, load errors and where enabled",
                        {},
                        {"json"},
                        pluginList});
    commands.push_back({"plugin enable",
                        "SLUG NAME",
                        "enable a plugin on a tenant (runs its migrations there)",
                        {},
                        {},
                        [](const Args& a) { return pluginToggle(a, true); }});
    commands.push_back({"plugin disable",
                        "SLUG NAME",
                        "disable a plugin on a tenant (its data is kept)",
                        {},
                        {},
                        [](const Args& a) { return pluginToggle(a, false); }});
}

}  // namespace agora::cli
