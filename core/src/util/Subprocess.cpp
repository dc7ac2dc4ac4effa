#include "util/Subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace agora {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv, Options options) : argv_(std::move(argv)) {
    if (argv_.empty())
        throw std::invalid_argument("Subprocess: empty argv");
    // Writing to a child that exited must come back as EPIPE, not kill this process.
    static const bool sigpipe_ignored = [] {
        ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)sigpipe_ignored;

    int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1};
    // O_CLOEXEC: another child started meanwhile must not inherit our ends (it would keep a
    // pipe open and the reader would never see end-of-file).
    if (options.pipe_stdin && ::pipe2(in_pipe, O_CLOEXEC) != 0)
        fail("pipe");
    if (options.pipe_stdout && ::pipe2(out_pipe, O_CLOEXEC) != 0)
        fail("pipe");
    char tmpl[] = "/tmp/agora-stderr.XXXXXX";
    stderr_fd_ = ::mkostemp(tmpl, O_CLOEXEC);
    if (stderr_fd_ < 0)
        fail("mkstemp");
    ::unlink(tmpl);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (options.pipe_stdin)
        posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (options.pipe_stdout)
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd_, STDERR_FILENO);

    std::vector<char*> args;
    for (auto& a : argv_)
        args.push_back(a.data());
    args.push_back(nullptr);
    int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (options.pipe_stdin)
        ::close(in_pipe[0]);
    if (options.pipe_stdout)
        ::close(out_pipe[1]);
    stdin_fd_ = in_pipe[1];
    stdout_fd_ = out_pipe[0];
    if (rc != 0) {
        pid_ = -1;
        errno = rc;
        closeStdin();
        closeStdout();
        ::close(stderr_fd_);
        stderr_fd_ = -1;
        fail("cannot start " + argv_[0]);
    }
}

Subprocess::~Subprocess() {
    closeStdin();
    closeStdout();
    if (pid_ > 0 && status_ < 0) {
        ::kill(pid_, SIGTERM);
        int st = 0;
        ::waitpid(pid_, &st, 0);
    }
    if (stderr_fd_ >= 0)
        ::close(stderr_fd_);
}

void Subprocess::closeStdin() {
    if (stdin_fd_ >= 0)
        ::close(stdin_fd_);
    stdin_fd_ = -1;
}

void Subprocess::closeStdout() {
    if (stdout_fd_ >= 0)
        ::close(stdout_fd_);
    stdout_fd_ = -1;
}

bool Subprocess::write(const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(stdin_fd_, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

void Subprocess::signal(int sig) {
    if (pid_ > 0 && status_ < 0)
        ::kill(pid_, sig);
}

int Subprocess::wait() {
    if (status_ >= 0)
        return status_;
    closeStdin();
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0) {
        if (errno != EINTR)
            fail("waitpid");
    }
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return status_;
}

std::string Subprocess::errorOutput() const {
    std::string out;
    if (stderr_fd_ < 0)
        return out;
    char buf[4096];
    off_t off = 0;
    ssize_t n;
    while ((n = ::pread(stderr_fd_, buf, sizeof buf, off)) > 0) {
        out.append(buf, static_cast<size_t>(n));
        off += n;
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

void Subprocess::run(const std::vector<std::string>& argv) {
    Subprocess p(argv, {});
    if (int rc = p.wait(); rc != 0)
        throw std::runtime_error(argv.front() + " failed (exit " + std::to_string(rc) +
                                 "): " + p.errorOutput());
}

}  // namespace agora
