#include <iostream>

#include "accounts/AccountService.h"
#include "app/App.h"
#include "cli/Command.h"
#include "cli/DemoContent.h"
#include "network/TenantService.h"

namespace agora::cli {

namespace {

struct DemoUser {
    const char* username;
    const char* display_name;
    // role per tenant slug; tenants not named get plain membership
    std::vector<std::pair<const char*, const char*>> roles;
    bool staff = false;
};

// The demo network's people (README lists them). One shared password keeps the README short;
// these accounts exist only on a demo install.
const char* kDemoPassword = "agora-demo";

int demoSeed(const Args&) {
    App app(Config::load(), 2);
    // Plugins loaded so the demo content feeds them (ability counters) like live activity.
    app.prepareServing();
    app.directory().reload();
    TenantService tenants(app, app.plugins());
    std::vector<DemoUser> users = {
        {"alice",
         "Alice Admin",
         {{"cooking", "admin"}, {"cooking-staging", "admin"}, {"writing", "admin"}}},
        {"bob", "Bob Moderator", {{"cooking", "moderator"}, {"writing", "member"}}},
        {"carol", "Carol Cook", {{"cooking", "member"}}},
        {"dave", "Dave Writer", {{"writing", "member"}, {"cooking", "member"}}},
        {"erin", "Erin Editor", {{"writing", "moderator"}}},
        {"olga", "Olga Operator", {}, true},
    };
    Progress progress("demo seed");
    for (const auto& u : users) {
        auto lease = app.pool().acquire();
        auto& c = *lease;
        if (c.q("SELECT 1 FROM network.accounts WHERE lower(username) = $1", u.username).empty()) {
            db::Transaction tx(c);
            AccountService::createAccount(
                c,
                {u.username, std::string(u.username) + "@demo.agora.localhost", kDemoPassword,
                 u.display_name},
                u.staff);
            tx.commit();
        }
        for (const auto& [slug, role] : u.roles) {
            if (!app.directory().bySlug(slug))
                continue;
            tenants.setRole(slug, u.username, role);
        }
        progress.update(u.username);
    }
    app.directory().reload();
    for (const auto& t : app.directory().all()) {
        if (t->isStaging())
            continue;
        int n = seedDemoContent(app, *t);
        if (n)
            progress.update(t->slug + ": " + std::to_string(n) + " questions");
    }
    progress.done("demo members and content ready (password: " + std::string(kDemoPassword) + ")");
    return 0;
}

}  // namespace

void addDemoCommands(std::vector<Command>& commands) {
    commands.push_back(
        {"demo seed", "", "create the demo network's members (idempotent)", {}, {}, demoSeed});
}

}  // namespace agora::cli
