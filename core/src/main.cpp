#include "cli/Command.h"

int main(int argc, char** argv) {
    return agora::cli::runCli(argc, argv);
}
