#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "cache/RedisClient.h"
#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

// Per-member limits over a sliding 24 hours. Redis holds each member's recent action times
// (a sorted set, seeded from PostgreSQL on a miss); when Redis can't answer, the same count
// comes from PostgreSQL, so the limit never silently disappears.
class RateLimiter {
public:
    explicit RateLimiter(cache::RedisClient& redis) : redis_(redis) {}

    // `history_sql` takes $1 = member id and returns one row per action in the last 24 hours:
    // its time in epoch milliseconds. Throws 429 (with Retry-After) at the limit.
    void check(db::PgConnection& c, const Tenant& t, int64_t member, const std::string& action,
               int64_t limit, const std::string& history_sql);
    // Call after the action committed.
    void record(const Tenant& t, int64_t member, const std::string& action);

    static std::string key(const Tenant& t, int64_t member, const std::string& action);

    // A short fixed window for actions that write nothing PostgreSQL could count (previews):
    // counts this hit for `subject` (a member, an address) and throws 429 with Retry-After
    // past `limit` hits in the current window of `window_seconds`. The count lives in Redis
    // so every server shares it; while Redis can't answer, each server counts on its own, so
    // the limit loosens to one per server but never disappears.
    void hitWindow(const Tenant& t, const std::string& subject, const std::string& action,
                   int64_t limit, int window_seconds);

private:
    void forgetDirty();
    int64_t localHits(const std::string& key, int64_t window);
    cache::RedisClient& redis_;
    std::mutex mu_;
    std::set<std::string> dirty_;  // keys that missed an update while Redis was down
    std::map<std::string, int64_t> local_windows_;  // hitWindow's fallback: key → hits
    int64_t local_window_ = 0;                      // the window local_windows_ counts
};

}  // namespace agora
