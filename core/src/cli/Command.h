#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/Args.h"

namespace agora::cli {

// One subcommand ("tenant add"). Commands are registered explicitly in Cli.cpp.
struct Command {
    std::string name;
    std::string usage;    // arguments after the name
    std::string summary;  // one line for `agora --help`
    std::set<std::string> value_flags;
    std::set<std::string> switches;
    std::function<int(const Args&)> run;
};

// Progress for long work: a rewritten line on a terminal, plain lines otherwise.
class Progress {
public:
    explicit Progress(std::string what);
    void update(const std::string& message);
    void done(const std::string& message);

private:
    std::string what_;
    bool tty_;
};

void addServeCommands(std::vector<Command>& commands);
void addTenantCommands(std::vector<Command>& commands);
void addUserCommands(std::vector<Command>& commands);
void addDemoCommands(std::vector<Command>& commands);
void addPluginCommands(std::vector<Command>& commands);
void addMigrateCommands(std::vector<Command>& commands);
void addBackupCommands(std::vector<Command>& commands);
void addSeedCommands(std::vector<Command>& commands);
void addMailCommands(std::vector<Command>& commands);

int runCli(int argc, char** argv);

}  // namespace agora::cli
