#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct redisContext;

namespace agora::cache {

// What one Redis command answered. ok=false means Redis could not be asked (down, timeout,
// circuit open): callers then fall back to PostgreSQL, never to "allowed".
struct RedisReply {
    bool ok = false;
    bool nil = true;
    long long integer = 0;
    std::string str;
    std::vector<std::optional<std::string>> elements;
};

// A small pool of hiredis connections with connect/command timeouts and a circuit breaker:
// after a failure the breaker opens for a cool-down so requests don't each wait for a timeout,
// then exactly one caller is let through as a probe (half-open) while every other caller keeps
// getting the fast "unavailable"; the probe's success closes the breaker, its failure opens it
// for another cool-down.
class RedisClient {
public:
    // url: redis://[[user]:password@]host[:port][/db]; empty url = Redis disabled (every call
    // answers ok=false). With a password every new connection sends AUTH (user and password
    // for an ACL user, the password alone for `requirepass`) before SELECT; a refused AUTH
    // counts as Redis being down. rediss:// (TLS) is refused: Debian 12's hiredis 0.14 has no
    // TLS support (no hiredis_ssl); put Redis on a private network or behind a TLS tunnel.
    explicit RedisClient(const std::string& url, size_t pool_size = 8);
    ~RedisClient();
    RedisClient(const RedisClient&) = delete;
    RedisClient& operator=(const RedisClient&) = delete;

    RedisReply command(const std::vector<std::string>& argv);
    // Several commands in one round trip (MULTI/EXEC or plain pipelining).
    std::vector<RedisReply> pipeline(const std::vector<std::vector<std::string>>& commands);

    std::optional<std::string> get(const std::string& key);  // nullopt: miss or unavailable
    bool set(const std::string& key, const std::string& value, int ttl_seconds);
    bool del(const std::string& key);
    bool publish(const std::string& channel, const std::string& message);

    bool enabled() const { return !host_.empty(); }
    bool available();  // breaker closed and a PING answers
    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }
    uint64_t errors() const { return errors_; }
    // Connections attempted (each a possible connect timeout): what the breaker bounds.
    uint64_t connectAttempts() const { return connects_; }
    void setCoolDown(std::chrono::milliseconds d) { cool_down_ = d; }

private:
    struct ContextDeleter {
        void operator()(redisContext* c) const;
    };
    using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

    ContextPtr takeContext();
    void giveBack(ContextPtr ctx);
    bool breakerAllows();
    void recordFailure();
    void recordSuccess();

    std::string host_;
    int port_ = 6379;
    int db_ = 0;
    std::string user_, password_;
    size_t pool_size_;
    std::mutex mu_;
    std::vector<ContextPtr> idle_;
    enum class Breaker { Closed, Open, HalfOpen };
    Breaker breaker_ = Breaker::Closed;
    std::chrono::steady_clock::time_point open_until_{};
    std::chrono::steady_clock::time_point probe_started_{};
    std::chrono::milliseconds cool_down_{1000};
    std::atomic<uint64_t> hits_{0}, misses_{0}, errors_{0}, connects_{0};
};

}  // namespace agora::cache
