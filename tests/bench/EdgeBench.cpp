// ops/bench edge: what other clients' connections cost a newcomer. Measures one fresh client's
// latency (a new connection per request, as a new visitor) for a page, first alone, then while
// many idle keep-alive connections are held open, then while many clients trickle headers.
//
//   agora_bench_edge --port P --host H --path /questions/1 [--idle 1000] [--trickle 200]
//                    [--requests 300]
//
// Held connections come from 127.0.1.x and 127.0.2.x (any 127/8 address is this machine), as
// many clients would, so the server's per-address cap doesn't refuse them; the measuring
// client uses 127.0.0.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connectFrom(int port, const std::string& source) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket");
    if (!source.empty()) {
        sockaddr_in src{};
        src.sin_family = AF_INET;
        inet_pton(AF_INET, source.c_str(), &src.sin_addr);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
            throw std::runtime_error("bind " + source);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// Reads one response (head + Content-Length body); returns its status, or 0 on timeout/close.
int readResponse(int fd, int timeout_ms) {
    std::string data;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        auto end = data.find("\r\n\r\n");
        if (end != std::string::npos) {
            auto cl = data.find("Content-Length: ");
            size_t length =
                cl == std::string::npos || cl > end ? 0 : std::stoul(data.substr(cl + 16));
            if (data.size() >= end + 4 + length)
                return std::atoi(data.c_str() + 9);
        }
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        pollfd p{fd, POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0)
            return 0;
        char buf[65536];
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return 0;
        data.append(buf, static_cast<size_t>(n));
    }
}

struct Sample {
    std::vector<double> ms;
    int failures = 0;
};

// Requests are spaced `interval_ms` apart, so each phase lasts long enough for the held
// connections to do what they do (the tricklers send a line every 500 ms).
int interval_ms = 20;

Sample measure(int port, const std::string& request, int count) {
    Sample s;
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
        auto start = Clock::now();
        int status = 0;
        try {
            int fd = connectFrom(port, "127.0.0.1");
            if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) > 0)
                status = readResponse(fd, 10'000);
            ::close(fd);
        } catch (const std::exception&) {
        }
        if (status != 200)
            ++s.failures;
        s.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(s.ms.begin(), s.ms.end());
    return s;
}

double pct(const Sample& s, double p) {
    if (s.ms.empty())
        return 0;
    return s
        .ms[std::min(s.ms.size() - 1, static_cast<size_t>(p * static_cast<double>(s.ms.size())))];
}

std::string source(int i) {
    return "127.0." + std::to_string(1 + i / 200) + "." + std::to_string(1 + i % 200);
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0, idle = 1000, trickle = 200, requests = 300;
    std::string host, path = "/";
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--port")
            port = std::stoi(v);
        else if (k == "--host")
            host = v;
        else if (k == "--path")
            path = v;
        else if (k == "--idle")
            idle = std::stoi(v);
        else if (k == "--trickle")
            trickle = std::stoi(v);
        else if (k == "--requests")
            requests = std::stoi(v);
        else if (k == "--interval-ms")
            interval_ms = std::stoi(v);
    }
    if (!port || host.empty()) {
        std::fprintf(stderr,
                     "usage: agora_bench_edge --port P --host H [--path P] [--idle N] "
                     "[--trickle N] [--requests N]\n");
        return 2;
    }
    rlimit nofile{65536, 65536};
    ::setrlimit(RLIMIT_NOFILE, &nofile);
    std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    std::string keep = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";

    measure(port, request, 20);  // warm up
    auto alone = measure(port, request, requests);

    // Idle keep-alive connections: each made one request and now just stays open.
    std::vector<int> idle_fds;
    int idle_ok = 0;
    for (int i = 0; i < idle; ++i) {
        int fd = connectFrom(port, source(i));
        ::send(fd, keep.data(), keep.size(), MSG_NOSIGNAL);
        idle_ok += readResponse(fd, 10'000) == 200;
        idle_fds.push_back(fd);
    }
    Sample with_idle;
    if (idle > 0)
        with_idle = measure(port, request, requests);
    for (int fd : idle_fds)
        ::close(fd);

    // Trickling clients: a header line each, every 500 ms, never finishing their request.
    std::vector<int> slow;
    for (int i = 0; i < trickle; ++i) {
        int fd = connectFrom(port, source(1000 + i));
        std::string start = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n";
        ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
        slow.push_back(fd);
    }
    std::atomic<bool> stop{false};
    std::atomic<int> trickled{0};
    std::thread trickler([&] {
        int n = 0;
        while (!stop) {
            std::string line = "X-Slow-" + std::to_string(n++) + ": 1\r\n";
            for (int fd : slow)
                if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT) > 0)
                    ++trickled;
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
    });
    Sample with_trickle;
    if (trickle > 0)
        with_trickle = measure(port, request, requests);
    stop = true;
    trickler.join();
    for (int fd : slow)
        ::close(fd);

    std::printf("\nops/bench edge — %d fresh connections per phase, %d ms apart, GET %s\n\n",
                requests, interval_ms, path.c_str());
    std::printf("%-44s %9s %9s %9s %9s\n", "phase", "p50 ms", "p99 ms", "max ms", "failed");
    auto row = [&](const char* label, const Sample& s) {
        std::printf("%-44s %9.2f %9.2f %9.2f %9d\n", label, pct(s, 0.5), pct(s, 0.99),
                    s.ms.empty() ? 0.0 : s.ms.back(), s.failures);
    };
    row("alone (baseline)", alone);
    std::string idle_label = "with " + std::to_string(idle) + " idle keep-alive connections";
    if (idle > 0)
        row(idle_label.c_str(), with_idle);
    std::string trickle_label = "with " + std::to_string(trickle) + " clients trickling headers";
    if (trickle > 0)
        row(trickle_label.c_str(), with_trickle);
    std::printf("\nidle connections served before idling: %d of %d; trickled lines sent: %d\n",
                idle_ok, idle, trickled.load());
    std::printf("p99 ratio, idle / alone: %.2f; trickling / alone: %.2f (goal: <= 2)\n",
                pct(with_idle, 0.99) / std::max(0.001, pct(alone, 0.99)),
                pct(with_trickle, 0.99) / std::max(0.001, pct(alone, 0.99)));
    return 0;
}
