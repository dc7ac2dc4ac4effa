#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/PgConnection.h"

namespace agora::db {

class PgPool;

// A connection borrowed from the pool; returned (or discarded if broken) on destruction.
class PgLease {
public:
    PgLease(PgPool* pool, std::unique_ptr<PgConnection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    PgLease(PgLease&&) noexcept = default;
    PgLease& operator=(PgLease&&) noexcept = default;
    PgLease(const PgLease&) = delete;
    ~PgLease();

    PgConnection& operator*() { return *conn_; }
    PgConnection* operator->() { return conn_.get(); }
    PgConnection& get() { return *conn_; }

private:
    PgPool* pool_ = nullptr;
    std::unique_ptr<PgConnection> conn_;
};

// One pool per PostgreSQL server, shared by every tenant on it: the connection count depends
// on the worker count, never on how many tenants exist.
class PgPool {
public:
    PgPool(std::string url, size_t max_size);
    PgPool(const PgPool&) = delete;
    PgPool& operator=(const PgPool&) = delete;

    // Waits up to the acquire timeout for a free connection, then fails with 503.
    PgLease acquire();
    const std::string& url() const { return url_; }

    size_t maxSize() const { return max_size_; }
    size_t openCount() const { return open_.load(); }
    size_t idleCount();
    uint64_t waits() const { return waits_.load(); }
    void setAcquireTimeout(std::chrono::milliseconds t) { acquire_timeout_ = t; }
    // Limits for connections opened from now on; idle ones are closed so every later lease
    // has them (the server sets them once before serving; the CLI keeps none, since a
    // migration's statements may rightly run for hours).
    void setLimits(const ConnectionLimits& limits);
    ConnectionLimits limits();

private:
    friend class PgLease;
    void release(std::unique_ptr<PgConnection> conn);

    std::string url_;
    size_t max_size_;
    std::chrono::milliseconds acquire_timeout_{5000};
    ConnectionLimits limits_;
    uint64_t limits_generation_ = 0;  // bumped by setLimits; older connections are not reused
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<PgConnection>> idle_;
    std::atomic<size_t> open_{0};
    std::atomic<uint64_t> waits_{0};
};

}  // namespace agora::db
