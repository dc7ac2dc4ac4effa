#include "http/HttpServer.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/Connection.h"
#include "http/ResponseWriter.h"
#include "http/Sockets.h"
#include "http/WorkerPool.h"

namespace agora {

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr int kSweepMs = 100;

}  // namespace

class HttpServer::Impl {
public:
    Impl(Services& app, Router& router, int port, int workers, ServerLimits limits,
         AddressSet trusted)
        : limits_(limits),
          trusted_(std::move(trusted)),
          workers_(workers),
          pool_(app, router, trusted_, limits.max_queued_requests, [this] { wake(); }) {
        listen_fd_ = openListeningSocket(port, port_);
        raiseDescriptorLimit(limits_.max_connections + 1024);
        epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
        wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        watch(listen_fd_, kListenId, EPOLLIN);
        watch(wake_fd_, kWakeId, EPOLLIN);
    }

    ~Impl() {
        stop();
        for (int fd : {listen_fd_, epoll_fd_, wake_fd_})
            if (fd >= 0)
                ::close(fd);
    }

    void start() {
        pool_.start(workers_);
        loop_thread_ = std::thread([this] { loop(); });
    }

    void stop() {
        if (stopping_.exchange(true))
            return;
        wake();
        if (loop_thread_.joinable())
            loop_thread_.join();
        pool_.stop();
    }

    int port() const { return port_; }

private:
    // ---- the event loop: the only thread that touches sockets and connections ----

    void loop() {
        std::vector<epoll_event> events(512);
        auto next_sweep = Clock::now();
        while (!stopping_) {
            int n =
                ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), kSweepMs);
            for (int i = 0; i < n; ++i) {
                uint64_t id = events[static_cast<size_t>(i)].data.u64;
                uint32_t ev = events[static_cast<size_t>(i)].events;
                if (id == kListenId)
                    acceptAll();
                else if (id == kWakeId)
                    drainCompletions();
                else if (auto it = conns_.find(id); it != conns_.end())
                    onEvent(*it->second, ev);
            }
            if (Clock::now() >= next_sweep) {
                sweep();
                next_sweep = Clock::now() + std::chrono::milliseconds(kSweepMs);
            }
        }
        std::vector<uint64_t> ids;
        for (auto& [id, c] : conns_)
            ids.push_back(id);
        for (auto id : ids)
            close(*conns_.at(id));
    }

    void acceptAll() {
        while (true) {
            sockaddr_storage addr{};
            socklen_t len = sizeof addr;
            int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EINTR || errno == ECONNABORTED)
                    continue;
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                    // Out of descriptors: the listening socket stays readable, so stop watching
                    // it until the next sweep instead of spinning on it.
                    spdlog::warn("accept: {}; pausing new connections briefly",
                                 std::strerror(errno));
                    setListening(false);
                } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    spdlog::warn("accept: {}", std::strerror(errno));
                }
                return;
            }
            std::string peer = peerAddress(addr);
            if (conns_.size() >= limits_.max_connections) {
                sendAndForget(fd, errorResponse(503, "server busy, try again shortly", true, 1));
                ::close(fd);
                continue;
            }
            auto& count = per_client_[peer];
            if (count >= limits_.max_connections_per_client && !trusted_.contains(peer)) {
                sendAndForget(
                    fd, errorResponse(429, "too many connections from your address", true, 1));
                ::close(fd);
                continue;
            }
            ++count;
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto conn = std::make_unique<Connection>();
            conn->id = next_id_++;
            conn->fd = fd;
            conn->peer = std::move(peer);
            // A fresh connection must start its request as promptly as a reused one finishes
            // its head: opening sockets and sending nothing holds nothing for long.
            conn->deadline = Clock::now() + std::chrono::milliseconds(limits_.head_timeout_ms);
            conn->interest = EPOLLIN | EPOLLRDHUP;
            watch(fd, conn->id, conn->interest);
            conns_.emplace(conn->id, std::move(conn));
        }
    }

    void onEvent(Connection& c, uint32_t ev) {
        if (c.state == Connection::State::Dispatched) {
            // Nothing to read while a worker has the request; a hang-up is acted on when the
            // answer comes back (and would otherwise be reported again and again).
            if (ev & (EPOLLHUP | EPOLLERR)) {
                unwatch(c);
                c.dead = true;
            }
            return;
        }
        if (ev & EPOLLOUT) {
            if (!flush(c))
                return;
        }
        if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            if (!readFrom(c))
                return;
            advance(c);
        }
    }

    // Reads what the socket has. Returns false when the connection was closed.
    bool readFrom(Connection& c) {
        char buf[16384];
        size_t cap = limits_.head.max_head_bytes + limits_.head.max_body_bytes + 65536;
        while (true) {
            ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
            if (n > 0) {
                if (c.state == Connection::State::Lingering) {
                    c.lingered += static_cast<size_t>(n);
                    if (c.lingered > limits_.linger_bytes) {
                        close(c);
                        return false;
                    }
                    continue;
                }
                c.in.append(buf, static_cast<size_t>(n));
                if (c.in.size() > cap)
                    break;  // the parser refuses it; stop buffering
                continue;
            }
            if (n == 0) {
                c.read_eof = true;
                if (c.state == Connection::State::Lingering) {
                    close(c);
                    return false;
                }
                break;
            }
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            close(c);
            return false;
        }
        return true;
    }

    // Moves a connection through its request as far as the buffered bytes allow.
    void advance(Connection& c) {
        using S = Connection::State;
        if (c.state == S::Idle) {
            if (c.in.empty()) {
                waitForMore(c);
                return;
            }
            auto now = Clock::now();
            c.state = S::Head;
            c.request_deadline = now + std::chrono::milliseconds(limits_.request_timeout_ms);
            c.deadline = now + std::chrono::milliseconds(limits_.head_timeout_ms);
        }
        if (c.state == S::Head) {
            auto p = parseRequestHead(c.in, limits_.head);
            if (p.status == HeadParse::Status::Incomplete) {
                waitForMore(c);
                return;
            }
            if (p.status == HeadParse::Status::Invalid) {
                respondEarly(c, p.error.status, p.error.message);
                return;
            }
            c.in.erase(0, p.consumed);
            c.head = std::move(p.head);
            ParseError err;
            c.framing = bodyFraming(c.head, limits_.head, err);
            if (err) {
                respondEarly(c, err.status, err.message);
                return;
            }
            c.body.clear();
            c.chunked = ChunkedDecoder(limits_.head.max_body_bytes);
            c.state = S::Body;
            c.deadline = c.request_deadline;
            // Decided above, before the client sends the body: a refused body is never sent.
            if (c.framing.expect_continue && c.in.empty())
                c.out.append("HTTP/1.1 100 Continue\r\n\r\n");
        }
        if (c.state == S::Body) {
            if (c.framing.kind == BodyFraming::Kind::Length) {
                auto need = static_cast<size_t>(c.framing.length) - c.body.size();
                auto take = std::min(need, c.in.size());
                c.body.append(c.in, 0, take);
                c.in.erase(0, take);
                if (c.body.size() < c.framing.length) {
                    waitForMore(c);
                    return;
                }
            } else if (c.framing.kind == BodyFraming::Kind::Chunked) {
                ParseError err;
                bool done = c.chunked.feed(c.in, c.body, err);
                if (err) {
                    respondEarly(c, err.status, err.message);
                    return;
                }
                if (!done) {
                    waitForMore(c);
                    return;
                }
            }
            dispatch(c);
        }
    }

    // Waits for the client's next bytes (sending what is pending first), or closes at its EOF.
    void waitForMore(Connection& c) {
        if (c.read_eof) {
            close(c);
            return;
        }
        if (!c.out.empty() && !flush(c))
            return;
        updateInterest(c);
    }

    void dispatch(Connection& c) {
        if (!pool_.submit({c.id, std::move(c.head), std::move(c.body), c.peer,
                           c.framing.keep_alive && !c.read_eof})) {
            respondEarly(c, 503, "server busy, try again shortly", 1);
            return;
        }
        c.state = Connection::State::Dispatched;
        c.head = RequestHead{};
        if (c.in.capacity() > 65536 && c.in.size() < 4096)
            c.in.shrink_to_fit();
        updateInterest(c);
    }

    // The server's own answer to a request it will not pass on (bad head, too large, timed
    // out, busy). The connection closes afterwards; what the client still sends is drained
    // for a while first, so it reads this answer instead of a reset.
    void respondEarly(Connection& c, int status, const std::string& message, int retry_after = 0) {
        c.out.append(errorResponse(status, message, true, retry_after));
        c.state = Connection::State::Writing;
        c.close_after_write = true;
        c.linger_after_write = true;
        c.deadline = Clock::now() + std::chrono::milliseconds(limits_.write_timeout_ms);
        flush(c);
    }

    // Writes what is pending. Returns false when the connection was closed.
    bool flush(Connection& c) {
        while (c.out_off < c.out.size()) {
            ssize_t n =
                ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
            if (n > 0) {
                c.out_off += static_cast<size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                updateInterest(c);
                return true;
            }
            close(c);
            return false;
        }
        c.out.clear();
        c.out_off = 0;
        if (c.state == Connection::State::Writing)
            return finishWrite(c);
        updateInterest(c);
        return true;
    }

    bool finishWrite(Connection& c) {
        if (c.close_after_write) {
            if (c.linger_after_write && !c.read_eof) {
                ::shutdown(c.fd, SHUT_WR);
                c.state = Connection::State::Lingering;
                c.in.clear();
                c.deadline = Clock::now() + std::chrono::milliseconds(limits_.linger_ms);
                updateInterest(c);
                return true;
            }
            close(c);
            return false;
        }
        c.state = Connection::State::Idle;
        c.deadline = Clock::now() + std::chrono::milliseconds(limits_.keepalive_timeout_ms);
        auto id = c.id;
        advance(c);  // a pipelined request may already be buffered; may close `c`
        return conns_.count(id) > 0;
    }

    void drainCompletions() {
        uint64_t count;
        [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
        for (auto& d : pool_.takeDone()) {
            auto it = conns_.find(d.conn_id);
            if (it == conns_.end())
                continue;
            auto& c = *it->second;
            if (c.dead) {
                close(c);
                continue;
            }
            c.out.append(d.bytes);
            c.state = Connection::State::Writing;
            c.close_after_write = d.close || c.read_eof;
            c.linger_after_write = false;
            c.deadline = Clock::now() + std::chrono::milliseconds(limits_.write_timeout_ms);
            flush(c);
        }
    }

    // Deadlines: a request that has not arrived in time gets 408; idle, stuck-writing and
    // lingering connections are closed.
    void sweep() {
        if (!listening_)
            setListening(true);
        auto now = Clock::now();
        std::vector<uint64_t> expired;
        for (auto& [id, c] : conns_)
            if (c->state != Connection::State::Dispatched && now >= c->deadline)
                expired.push_back(id);
        for (auto id : expired) {
            auto& c = *conns_.at(id);
            if (c.state == Connection::State::Head || c.state == Connection::State::Body)
                sendAndForget(c.fd, errorResponse(408, "request timed out", true));
            close(c);
        }
    }

    void updateInterest(Connection& c) {
        using S = Connection::State;
        uint32_t want = 0;
        bool reading = c.state == S::Idle || c.state == S::Head || c.state == S::Body ||
                       c.state == S::Lingering;
        if (reading && !c.read_eof)
            want |= EPOLLIN | EPOLLRDHUP;
        if (c.out_off < c.out.size())
            want |= EPOLLOUT;
        if (want != c.interest) {
            epoll_event ev{};
            ev.events = want;
            ev.data.u64 = c.id;
            ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
            c.interest = want;
        }
    }

    void close(Connection& c) {
        unwatch(c);
        ::close(c.fd);
        if (auto it = per_client_.find(c.peer); it != per_client_.end() && --it->second == 0)
            per_client_.erase(it);
        conns_.erase(c.id);  // destroys c
    }

    void watch(int fd, uint64_t id, uint32_t events) {
        epoll_event ev{};
        ev.events = events;
        ev.data.u64 = id;
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0)
            throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
    }

    void unwatch(Connection& c) {
        if (c.watched) {
            ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
            c.watched = false;
        }
    }

    void setListening(bool on) {
        epoll_event ev{};
        ev.events = on ? static_cast<uint32_t>(EPOLLIN) : 0u;
        ev.data.u64 = kListenId;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
        listening_ = on;
    }

    void wake() {
        uint64_t one = 1;
        [[maybe_unused]] auto r = ::write(wake_fd_, &one, sizeof one);
    }

    ServerLimits limits_;
    AddressSet trusted_;
    int workers_;
    int listen_fd_ = -1;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread loop_thread_;
    WorkerPool pool_;
    // Owned by the loop thread alone.
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;
    std::unordered_map<std::string, size_t> per_client_;
    uint64_t next_id_ = 2;
    bool listening_ = true;
};

HttpServer::HttpServer(Services& app, Router& router, int port, int workers)
    : HttpServer(app, router, port, workers, ServerLimits::fromEnvironment()) {}

HttpServer::HttpServer(Services& app, Router& router, int port, int workers, ServerLimits limits)
    : HttpServer(app, router, port, workers, limits, app.config().trusted_proxies) {}

HttpServer::HttpServer(Services& app, Router& router, int port, int workers, ServerLimits limits,
                       AddressSet trusted_proxies)
    : impl_(
          std::make_unique<Impl>(app, router, port, workers, limits, std::move(trusted_proxies))) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
    impl_->start();
}

void HttpServer::stop() {
    impl_->stop();
}

int HttpServer::port() const {
    return impl_->port();
}

}  // namespace agora
