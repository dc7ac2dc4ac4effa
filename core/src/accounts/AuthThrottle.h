#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cache/RedisClient.h"
#include "db/PgConnection.h"

namespace agora {

// Limits on what an anonymous client can repeat cheaply while the server pays dearly: a login
// costs an Argon2id verify, a sign-up an Argon2id hash and an account. Failed logins are
// counted per account and per client address; sign-ups per address. Network-wide, because
// accounts are: trying one password on every community is still one account's count.
//
// An attempt first takes a slot in each of its buckets (admit) — one Lua script in Redis, so a
// burst of concurrent guesses gets exactly the limit between them — then, once its outcome is
// known, either keeps the slots (a failed login, a created account: a row in
// network.throttle_events, the truth that survives a Redis restart) or gives them back
// (a successful login). A refused attempt takes nothing and costs no hash. With Redis down the
// count comes from PostgreSQL, so the throttle never silently disappears.
class AuthThrottle {
public:
    struct Limits {
        int64_t login_failures_per_account = 10;
        int64_t login_failures_per_address = 30;
        std::chrono::seconds login_window{15 * 60};
        int64_t signups_per_address = 5;
        std::chrono::seconds signup_window{3600};
        // Password-reset requests: each queues a mail to someone's inbox, so a few per hour.
        int64_t resets_per_account = 5;
        int64_t resets_per_address = 20;
        std::chrono::seconds reset_window{3600};
        // Mail a signed-in member asks for to their own addresses (verification, new address).
        int64_t account_mails_per_account = 10;
    };

    struct Limit {
        std::string bucket;  // "login:account:42", "login:address:192.0.2.7", ...
        int64_t max = 0;
        std::chrono::seconds window{0};
        std::string what;  // for the 429: "failed logins for this account"
    };

    // The slots one attempt holds: redis_member[i] is its entry in limits[i]'s sorted set, or
    // empty when Redis could not take it (then keep() makes Redis re-read PostgreSQL).
    struct Ticket {
        std::vector<Limit> limits;
        std::vector<std::string> redis_member;
    };

    AuthThrottle(cache::RedisClient& redis, Limits limits) : redis_(redis), limits_(limits) {}

    Limits limits() const;
    void setLimits(const Limits& limits);  // tests tighten or loosen them

    // `account_key`: the account id when the login names one, else a digest of the login, so an
    // unknown name is throttled exactly like a known one (no enumeration through 429s).
    // Throws 429 with Retry-After (taking no slot) when any bucket is full.
    Ticket admitLogin(db::PgConnection& c, const std::string& address,
                      const std::string& account_key);
    Ticket admitSignup(db::PgConnection& c, const std::string& address);
    // Reset requests per address and per login (`account_key` as for admitLogin, so an
    // unknown login is limited exactly like a known one). Every admitted request is kept.
    Ticket admitReset(db::PgConnection& c, const std::string& address,
                      const std::string& account_key);
    // Verification and change-of-address mails a member asks for, per account and hour.
    Ticket admitAccountMail(db::PgConnection& c, int64_t account_id);

    // Outside any transaction of the caller's (the row must outlive a rolled-back request).
    void keep(db::PgConnection& c, const Ticket& ticket);
    void release(const Ticket& ticket);

    // The bucket an address counts in: IPv4 as is, IPv6 by its /64 (one subscriber's prefix,
    // which hands out more addresses than a throttle could ever count one by one).
    static std::string addressKey(const std::string& address);
    static std::string redisKey(const std::string& bucket) { return "th:" + bucket; }

private:
    Ticket admit(db::PgConnection& c, std::vector<Limit> limits);
    // Takes a slot in Redis; "" = Redis could not answer. Throws 429 when full.
    std::string takeInRedis(db::PgConnection& c, const Limit& limit, int64_t now_ms);
    void checkInPostgres(db::PgConnection& c, const Limit& limit, int64_t now_ms);
    void forgetDirty();

    cache::RedisClient& redis_;
    mutable std::mutex mu_;
    Limits limits_;
    std::set<std::string> dirty_;  // keys that missed a kept slot while Redis was down
};

}  // namespace agora
