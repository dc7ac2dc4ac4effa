#include <fstream>
#include <iostream>
#include <sstream>

#include "accounts/AccountService.h"
#include "app/App.h"
#include "cli/Command.h"
#include "network/TenantService.h"

namespace agora::cli {

namespace {

int userAdd(const Args& args) {
    NewAccount a;
    a.email = args.require("email");
    a.username = args.require("username");
    a.display_name = args.get("display-name").value_or("");
    std::string file = args.require("password-file");
    std::ifstream in(file);
    if (!in)
        throw Error::invalid("password-file", "cannot read " + file);
    std::getline(in, a.password);
    App app(Config::load(), 2);
    auto lease = app.pool().acquire();
    db::Transaction tx(*lease);
    int64_t id = AccountService::createAccount(*lease, a, args.has("staff"));
    tx.commit();
    if (args.has("json"))
        std::cout << json{{"id", id}, {"username", a.username}}.dump() << "\n";
    else
        std::cout << "created account " << a.username << " (id " << id << ")\n";
    return 0;
}

int memberRole(const Args& args) {
    auto slug = args.pos(0, "SLUG");
    auto username = args.pos(1, "USERNAME");
    auto role = args.pos(2, "ROLE (admin|moderator|member)");
    App app(Config::load(), 2);
    TenantService(app, app.plugins()).setRole(slug, username, role);
    std::cout << username << " is now " << role << " on " << slug << "\n";
    return 0;
}

}  // namespace

void addUserCommands(std::vector<Command>& commands) {
    commands.push_back({"user add",
                        "--email E --username U --password-file F [--display-name D] [--staff]",
                        "create a network account",
                        {"email", "username", "password-file", "display-name"},
                        {"staff", "json"},
                        userAdd});
    commands.push_back({"member role",
                        "SLUG USERNAME admin|moderator|member",
                        "set a member's role in a community",
                        {},
                        {},
                        memberRole});
}

}  // namespace agora::cli
