#include "support/RawConnection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace agora::test {

RawConnection::RawConnection(int port, const std::string& source_address) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0)
        throw std::runtime_error("socket failed");
    if (!source_address.empty()) {
        sockaddr_in src{};
        src.sin_family = AF_INET;
        inet_pton(AF_INET, source_address.c_str(), &src.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
            throw std::runtime_error("bind to " + source_address + " failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd_);
        throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
    }
}

RawConnection::~RawConnection() {
    if (fd_ >= 0)
        ::close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_), last_error_(other.last_error_) {
    other.fd_ = -1;
}

bool RawConnection::send(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
        auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) {
            last_error_ = errno;
            return false;
        }
        off += static_cast<size_t>(n);
    }
    return true;
}

namespace {

// Whether `data` holds one complete response: its head and Content-Length bytes of body.
bool completeResponse(const std::string& data) {
    auto end = data.find("\r\n\r\n");
    if (end == std::string::npos)
        return false;
    auto head = data.substr(0, end);
    if (head.rfind("HTTP/1.1 100 ", 0) == 0)
        return completeResponse(data.substr(end + 4));
    auto cl = head.find("Content-Length: ");
    if (cl == std::string::npos)
        return true;
    auto length = std::stoul(head.substr(cl + 16));
    return data.size() >= end + 4 + length;
}

}  // namespace

std::string RawConnection::readUntil(const std::function<bool(const std::string&)>& done,
                                     int timeout_ms) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done(out)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0)
            break;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0)
            break;
        char buf[65536];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            if (n < 0)
                last_error_ = errno;
            break;
        }
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string RawConnection::readResponse(int timeout_ms) {
    return readUntil(completeResponse, timeout_ms);
}

std::string RawConnection::readAll(int timeout_ms) {
    return readUntil([](const std::string&) { return false; }, timeout_ms);
}

bool RawConnection::closedByServer(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0)
            return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0)
            return false;
        char buf[4096];
        auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0)
            return true;
    }
}

void RawConnection::shutdownWrite() {
    ::shutdown(fd_, SHUT_WR);
}

}  // namespace agora::test
