#include "support/ShellCommand.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace agora::test {

std::pair<int, std::string> runCommand(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        return {-1, ""};
    std::array<char, 256> buf;
    while (fgets(buf.data(), buf.size(), pipe))
        out += buf.data();
    int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace agora::test
