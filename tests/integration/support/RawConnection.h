#pragma once

#include <functional>
#include <string>

namespace agora::test {

// A plain TCP connection to the server under test, for what an HTTP client library won't do:
// send malformed or partial requests, trickle bytes, keep sockets idle, pick the source
// address (any 127.x.y.z is this machine), or read exactly what came back.
class RawConnection {
public:
    // Throws when the connection cannot be made.
    RawConnection(int port, const std::string& source_address = "");
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    RawConnection(RawConnection&& other) noexcept;

    // False when the server closed or reset the connection.
    bool send(const std::string& bytes);
    // Reads until the server closes, `timeout_ms` passes, or one whole response (head plus
    // Content-Length body) has arrived, whichever is first.
    std::string readResponse(int timeout_ms = 5000);
    // Reads everything until the server closes or `timeout_ms` passes.
    std::string readAll(int timeout_ms = 5000);
    // Whether the server has closed the connection (reads an EOF within `timeout_ms`).
    bool closedByServer(int timeout_ms);
    // The errno of the last failed read or write (ECONNRESET when the server reset it).
    int lastError() const { return last_error_; }
    void shutdownWrite();

private:
    // Reads until `done` holds for what arrived, the server closes, or `timeout_ms` passes.
    std::string readUntil(const std::function<bool(const std::string&)>& done, int timeout_ms);

    int fd_ = -1;
    int last_error_ = 0;
};

}  // namespace agora::test
