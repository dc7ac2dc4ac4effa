#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <iostream>

#include "cli/Command.h"
#include "tenancy/TenantFile.h"
#include "util/Error.h"

namespace agora::cli {

Progress::Progress(std::string what) : what_(std::move(what)), tty_(isatty(STDERR_FILENO)) {}

void Progress::update(const std::string& message) {
    if (tty_)
        std::cerr << "\r\033[K" << what_ << ": " << message << std::flush;
    else
        std::cerr << what_ << ": " << message << "\n";
}

void Progress::done(const std::string& message) {
    if (tty_)
        std::cerr << "\r\033[K";
    std::cerr << what_ << ": " << message << "\n";
}

namespace {

std::vector<Command> allCommands() {
    std::vector<Command> commands;
    addServeCommands(commands);
    addTenantCommands(commands);
    addUserCommands(commands);
    addDemoCommands(commands);
    addPluginCommands(commands);
    addMigrateCommands(commands);
    addBackupCommands(commands);
    addSeedCommands(commands);
    addMailCommands(commands);
    return commands;
}

void printHelp(const std::vector<Command>& commands) {
    std::cout << "usage: agora COMMAND [ARGS] [--help]\n\ncommands:\n";
    for (const auto& c : commands) {
        std::string line = "  " + c.name + " " + c.usage;
        if (line.size() < 58)
            line.resize(58, ' ');
        std::cout << line << " " << c.summary << "\n";
    }
    std::cout << "\nServers: AGORA_DATABASE_URL (serve), AGORA_MIGRATION_DATABASE_URL (every "
                 "other command; default: AGORA_DATABASE_URL) and AGORA_REDIS_URL, else "
                 ".agora/agora.env written by ops/up.\n";
}

}  // namespace

int runCli(int argc, char** argv) {
    // Logs go to stderr: stdout carries command output (--json) and must stay parseable.
    spdlog::set_default_logger(spdlog::stderr_color_mt("agora"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    auto commands = allCommands();
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        printHelp(commands);
        return words.empty() ? 2 : 0;
    }
    // Longest command name that prefixes the words ("tenant add" before "tenant").
    const Command* cmd = nullptr;
    size_t used = 0;
    for (const auto& c : commands) {
        std::vector<std::string> parts;
        size_t pos = 0;
        while (pos <= c.name.size()) {
            auto sp = c.name.find(' ', pos);
            if (sp == std::string::npos)
                sp = c.name.size();
            parts.push_back(c.name.substr(pos, sp - pos));
            pos = sp + 1;
        }
        if (parts.size() > words.size() || parts.size() <= used)
            continue;
        if (std::equal(parts.begin(), parts.end(), words.begin())) {
            cmd = &c;
            used = parts.size();
        }
    }
    if (!cmd) {
        std::cerr << "agora: unknown command \"" << words[0] << "\" (see agora --help)\n";
        return 2;
    }
    std::vector<std::string> rest(words.begin() + static_cast<long>(used), words.end());
    for (const auto& w : rest) {
        if (w == "--help" || w == "-h") {
            std::cout << "usage: agora " << cmd->name << " " << cmd->usage << "\n\n"
                      << cmd->summary << "\n";
            return 0;
        }
    }
    try {
        Args args(rest, cmd->value_flags, cmd->switches);
        return cmd->run(args);
    } catch (const UsageError& e) {
        std::cerr << "agora " << cmd->name << ": " << e.what() << "\nusage: agora " << cmd->name
                  << " " << cmd->usage << "\n";
        return 2;
    } catch (const TenantFileError& e) {
        std::cerr << "agora " << cmd->name << ": " << e.what() << "\n";
        return 1;
    } catch (const Error& e) {
        std::string field = e.field().empty() ? "" : " (" + e.field() + ")";
        std::cerr << "agora " << cmd->name << ": " << e.what() << field << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "agora " << cmd->name << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace agora::cli
