#include "db/PgPool.h"

namespace agora::db {

PgLease::~PgLease() {
    if (pool_ && conn_)
        pool_->release(std::move(conn_));
}

PgPool::PgPool(std::string url, size_t max_size) : url_(std::move(url)), max_size_(max_size) {}

PgLease PgPool::acquire() {
    std::unique_lock lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + acquire_timeout_;
    while (true) {
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return PgLease(this, std::move(conn));
        }
        if (open_.load() < max_size_) {
            ++open_;
            auto limits = limits_;
            auto generation = limits_generation_;
            lock.unlock();
            try {
                auto conn = std::make_unique<PgConnection>(url_, limits);
                conn->setLimitsGeneration(generation);
                return PgLease(this, std::move(conn));
            } catch (...) {
                --open_;
                cv_.notify_one();
                throw;
            }
        }
        ++waits_;
        if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
            open_.load() >= max_size_) {
            throw Error::unavailable("no database connection free");
        }
    }
}

void PgPool::release(std::unique_ptr<PgConnection> conn) {
    // A connection left mid-transaction or broken is closed, not reused.
    bool reusable = conn->healthy();
    if (reusable) {
        // Whatever schema this lease pointed at, the next one starts from the default.
        try {
            conn->resetSchema();
        } catch (const std::exception&) {
            reusable = false;
        }
    }
    if (!reusable) {
        conn.reset();
        --open_;
        cv_.notify_one();
        return;
    }
    {
        std::lock_guard lock(mu_);
        // Leased when the limits changed: it still carries the old timeouts, so it goes.
        if (conn->limitsGeneration() == limits_generation_) {
            idle_.push_back(std::move(conn));
            conn = nullptr;
        } else {
            --open_;
        }
    }
    conn.reset();
    cv_.notify_one();
}

void PgPool::setLimits(const ConnectionLimits& limits) {
    std::vector<std::unique_ptr<PgConnection>> closing;
    {
        std::lock_guard lock(mu_);
        limits_ = limits;
        ++limits_generation_;
        closing.swap(idle_);
        open_ -= closing.size();
    }
    cv_.notify_all();
}

ConnectionLimits PgPool::limits() {
    std::lock_guard lock(mu_);
    return limits_;
}

size_t PgPool::idleCount() {
    std::lock_guard lock(mu_);
    return idle_.size();
}

}  // namespace agora::db
