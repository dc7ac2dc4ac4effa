#include "content/RateLimiter.h"

#include <chrono>
#include <random>

#include "util/Error.h"

namespace agora {

namespace {

constexpr int64_t kWindowMs = 24LL * 3600 * 1000;
// A sentinel member with a score no trim reaches: its presence means "seeded from PostgreSQL".
constexpr const char* kSeeded = "~seeded";

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

std::string RateLimiter::key(const Tenant& t, int64_t member, const std::string& action) {
    // {slug} is the Redis Cluster hash tag: one tenant's keys live on one node.
    return "rl:{" + t.slug + "}:" + action + ":" + std::to_string(member);
}

void RateLimiter::forgetDirty() {
    std::set<std::string> keys;
    {
        std::lock_guard lock(mu_);
        keys.swap(dirty_);
    }
    for (const auto& k : keys)
        if (!redis_.del(k)) {
            std::lock_guard lock(mu_);
            dirty_.insert(k);
        }
}

void RateLimiter::check(db::PgConnection& c, const Tenant& t, int64_t member,
                        const std::string& action, int64_t limit, const std::string& history_sql) {
    int64_t now = nowMs();
    std::string k = key(t, member, action);
    int64_t count = -1, oldest = 0;
    if (redis_.enabled()) {
        forgetDirty();
        auto replies =
            redis_.pipeline({{"ZREMRANGEBYSCORE", k, "-inf", std::to_string(now - kWindowMs)},
                             {"ZSCORE", k, kSeeded},
                             {"ZCARD", k},
                             {"ZRANGE", k, "0", "0", "WITHSCORES"}});
        if (replies[0].ok && replies[1].ok) {
            if (!replies[1].nil) {
                count = replies[2].integer - 1;
                if (replies[3].elements.size() == 2 && replies[3].elements[1])
                    oldest = std::stoll(*replies[3].elements[1]);
            } else {
                // Miss: seed from the truth, then answer from it.
                auto rows = c.q(history_sql, member);
                std::vector<std::string> zadd = {"ZADD", k, "9e18", kSeeded};
                count = rows.rows();
                for (int i = 0; i < rows.rows(); ++i) {
                    int64_t at = rows.i64(i, 0);
                    if (oldest == 0 || at < oldest)
                        oldest = at;
                    zadd.push_back(std::to_string(at));
                    zadd.push_back("h" + std::to_string(at) + "-" + std::to_string(i));
                }
                redis_.pipeline({zadd, {"PEXPIRE", k, std::to_string(kWindowMs)}});
            }
        }
    }
    if (count < 0) {
        auto rows = c.q(history_sql, member);
        count = rows.rows();
        for (int i = 0; i < rows.rows(); ++i) {
            int64_t at = rows.i64(i, 0);
            if (oldest == 0 || at < oldest)
                oldest = at;
        }
    }
    if (count >= limit) {
        int64_t retry = limit == 0 || oldest == 0 ? 86400 : (oldest + kWindowMs - now) / 1000 + 1;
        throw Error::rateLimited(action + " (" + std::to_string(limit) + " per 24 hours)",
                                 static_cast<int>(std::max<int64_t>(1, retry)));
    }
}

void RateLimiter::record(const Tenant& t, int64_t member, const std::string& action) {
    if (!redis_.enabled())
        return;
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string k = key(t, member, action);
    int64_t now = nowMs();
    auto replies = redis_.pipeline({{"ZSCORE", k, kSeeded}});
    if (!replies[0].ok) {
        std::lock_guard lock(mu_);
        dirty_.insert(k);
        return;
    }
    // Unseeded keys are left alone: the next check seeds them from PostgreSQL, which already
    // holds this action.
    if (replies[0].nil)
        return;
    auto r = redis_.pipeline(
        {{"ZADD", k, std::to_string(now), std::to_string(now) + "-" + std::to_string(rng())},
         {"PEXPIRE", k, std::to_string(kWindowMs)}});
    if (!r[0].ok) {
        std::lock_guard lock(mu_);
        dirty_.insert(k);
    }
}

int64_t RateLimiter::localHits(const std::string& key, int64_t window) {
    std::lock_guard lock(mu_);
    if (window != local_window_) {
        local_windows_.clear();  // one window at a time: the map never outgrows it
        local_window_ = window;
    }
    return ++local_windows_[key];
}

void RateLimiter::hitWindow(const Tenant& t, const std::string& subject, const std::string& action,
                            int64_t limit, int window_seconds) {
    int64_t now_s = nowMs() / 1000;
    int64_t window = now_s / window_seconds;
    std::string k = "rl:{" + t.slug + "}:" + action + ":" + subject + ":" + std::to_string(window);
    int64_t hits = -1;
    if (redis_.enabled()) {
        auto r = redis_.pipeline({{"INCR", k}, {"EXPIRE", k, std::to_string(window_seconds + 1)}});
        if (r[0].ok)
            hits = r[0].integer;
    }
    if (hits < 0)
        hits = localHits(k, window);
    if (hits > limit) {
        int64_t retry = (window + 1) * window_seconds - now_s;
        throw Error::rateLimited(action + " (" + std::to_string(limit) + " per " +
                                     std::to_string(window_seconds) + " seconds)",
                                 static_cast<int>(std::max<int64_t>(1, retry)));
    }
}

}  // namespace agora
