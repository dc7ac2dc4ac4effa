#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace agora {

// A child process started without a shell (arguments are never re-parsed), with optional pipes
// to its stdin and stdout. Its stderr goes to a temporary file, so a chatty child can never
// block on a full pipe nobody reads; errorOutput() returns it after wait(). The destructor kills
// and reaps a child that is still running, so an exception never leaves one behind.
class Subprocess {
public:
    struct Options {
        bool pipe_stdin = false;
        bool pipe_stdout = false;  // else stdout goes to /dev/null
    };

    Subprocess(std::vector<std::string> argv, Options options);
    Subprocess(const Subprocess&) = delete;
    Subprocess& operator=(const Subprocess&) = delete;
    ~Subprocess();

    int stdinFd() const { return stdin_fd_; }
    int stdoutFd() const { return stdout_fd_; }
    void closeStdin();
    void closeStdout();
    // Writes all of `data` to the child's stdin; false when the child stopped reading.
    bool write(const char* data, size_t size);

    pid_t pid() const { return pid_; }
    // Sends a signal to the child (tests use SIGKILL to prove a crash leaves things consistent).
    void signal(int sig);

    // Waits for the child; returns its exit code (128 + signal when killed by one).
    int wait();
    std::string errorOutput() const;
    const std::string& program() const { return argv_.front(); }

    // Runs to completion; throws with the program's stderr when it exits non-zero.
    static void run(const std::vector<std::string>& argv);

private:
    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    int stderr_fd_ = -1;  // the temporary file (already unlinked)
    int status_ = -1;
};

}  // namespace agora
