#pragma once

#include <string>
#include <utility>

namespace agora::test {

// Runs a shell command (redis-cli, ops/redis-restart…); returns its exit status and stdout.
std::pair<int, std::string> runCommand(const std::string& command);

}  // namespace agora::test
