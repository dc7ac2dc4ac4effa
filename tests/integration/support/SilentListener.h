#pragma once

namespace agora {

// A TCP listener on loopback that accepts connections (the kernel completes them) and never
// says a word: a server that hangs. Closed when this goes, unless keepOpen() was called.
class SilentListener {
public:
    explicit SilentListener(int backlog = 16);  // throws std::runtime_error when it can't listen
    ~SilentListener();
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

    int port() const { return port_; }
    // Leaves the socket open for the rest of the process: a client thread stuck on it may
    // still be reading.
    void keepOpen() { fd_ = -1; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace agora
