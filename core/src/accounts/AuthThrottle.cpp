#include "accounts/AuthThrottle.h"

#include <arpa/inet.h>

#include <algorithm>
#include <random>

#include "util/Error.h"

namespace agora {

namespace {

// A member with a score no trim reaches: its presence means "seeded from PostgreSQL".
constexpr const char* kSeeded = "~seeded";

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

[[noreturn]] void refuse(const AuthThrottle::Limit& limit, int64_t oldest_ms, int64_t now_ms) {
    int64_t window_ms = limit.window.count() * 1000;
    int64_t retry =
        oldest_ms <= 0 ? limit.window.count() : (oldest_ms + window_ms - now_ms) / 1000 + 1;
    retry = std::clamp<int64_t>(retry, 1, std::max<int64_t>(1, limit.window.count()));
    auto minutes = limit.window.count() / 60;
    throw Error::rateLimited(limit.what + " (" + std::to_string(limit.max) + " per " +
                                 (minutes > 0 ? std::to_string(minutes) + " minutes"
                                              : std::to_string(limit.window.count()) + " seconds") +
                                 ")",
                             static_cast<int>(retry));
}

}  // namespace

AuthThrottle::Limits AuthThrottle::limits() const {
    std::lock_guard lock(mu_);
    return limits_;
}

void AuthThrottle::setLimits(const Limits& limits) {
    std::lock_guard lock(mu_);
    limits_ = limits;
}

std::string AuthThrottle::addressKey(const std::string& address) {
    in6_addr a6{};
    if (inet_pton(AF_INET6, address.c_str(), &a6) != 1)
        return address;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(mapped, mapped + 12, a6.s6_addr)) {
        char out[INET_ADDRSTRLEN];
        if (inet_ntop(AF_INET, a6.s6_addr + 12, out, sizeof out))
            return out;
        return address;
    }
    std::fill(a6.s6_addr + 8, a6.s6_addr + 16, 0);
    char out[INET6_ADDRSTRLEN];
    if (!inet_ntop(AF_INET6, &a6, out, sizeof out))
        return address;
    return std::string(out) + "/64";
}

AuthThrottle::Ticket AuthThrottle::admitLogin(db::PgConnection& c, const std::string& address,
                                              const std::string& account_key) {
    auto l = limits();
    return admit(c, {{"login:address:" + addressKey(address), l.login_failures_per_address,
                      l.login_window, "failed logins from this address"},
                     {"login:account:" + account_key, l.login_failures_per_account, l.login_window,
                      "failed logins for this account"}});
}

AuthThrottle::Ticket AuthThrottle::admitSignup(db::PgConnection& c, const std::string& address) {
    auto l = limits();
    return admit(c, {{"signup:address:" + addressKey(address), l.signups_per_address,
                      l.signup_window, "sign-ups from this address"}});
}

AuthThrottle::Ticket AuthThrottle::admitReset(db::PgConnection& c, const std::string& address,
                                              const std::string& account_key) {
    auto l = limits();
    return admit(c, {{"reset:address:" + addressKey(address), l.resets_per_address, l.reset_window,
                      "password resets from this address"},
                     {"reset:account:" + account_key, l.resets_per_account, l.reset_window,
                      "password resets for this account"}});
}

AuthThrottle::Ticket AuthThrottle::admitAccountMail(db::PgConnection& c, int64_t account_id) {
    auto l = limits();
    return admit(c, {{"mail:account:" + std::to_string(account_id), l.account_mails_per_account,
                      l.reset_window, "account mails for this account"}});
}

AuthThrottle::Ticket AuthThrottle::admit(db::PgConnection& c, std::vector<Limit> limits) {
    Ticket t;
    t.limits = std::move(limits);
    int64_t now = nowMs();
    if (redis_.enabled())
        forgetDirty();
    try {
        for (const auto& limit : t.limits) {
            std::string member;
            if (redis_.enabled())
                member = takeInRedis(c, limit, now);
            if (member.empty())
                checkInPostgres(c, limit, now);
            t.redis_member.push_back(member);
        }
    } catch (...) {
        // Full somewhere: give back the slots already taken, so a refusal counts nowhere.
        release(t);
        throw;
    }
    return t;
}

std::string AuthThrottle::takeInRedis(db::PgConnection& c, const Limit& limit, int64_t now) {
    // Trim, count and add in one step, so concurrent attempts get exactly `max` slots between
    // them: {1} taken, {0, oldest score} full, {-1} not seeded yet.
    static const std::string kTake = R"lua(
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
        if not redis.call('ZSCORE', KEYS[1], ARGV[6]) then return {-1} end
        if redis.call('ZCARD', KEYS[1]) - 1 >= tonumber(ARGV[3]) then
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {0, oldest[2]}
        end
        redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        return {1}
    )lua";
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    std::string k = redisKey(limit.bucket);
    int64_t window_ms = limit.window.count() * 1000;
    std::string ttl = std::to_string(std::max<int64_t>(window_ms, 1000));
    std::string member = std::to_string(now) + "-" + std::to_string(rng());
    std::vector<std::string> take = {"EVAL",
                                     kTake,
                                     "1",
                                     k,
                                     std::to_string(now),
                                     std::to_string(window_ms),
                                     std::to_string(limit.max),
                                     member,
                                     ttl,
                                     kSeeded};
    for (int round = 0; round < 2; ++round) {
        auto r = redis_.command(take);
        if (!r.ok || r.elements.empty() || !r.elements[0])
            return "";
        const std::string& status = *r.elements[0];
        if (status == "1")
            return member;
        if (status == "0") {
            int64_t oldest = 0;
            if (r.elements.size() > 1 && r.elements[1])
                oldest = static_cast<int64_t>(std::stod(*r.elements[1]));
            refuse(limit, oldest, now);
        }
        if (round == 1)
            break;
        // Miss (first use, expiry, flush, restart): seed from the truth. Members are named
        // after the rows, so two requests seeding at once add the same entries once.
        auto rows =
            c.q("SELECT id, (extract(epoch FROM at) * 1000)::bigint FROM network.throttle_events "
                "WHERE bucket = $1 AND at > now() - make_interval(secs => $2)",
                limit.bucket, static_cast<long long>(limit.window.count()));
        std::vector<std::string> zadd = {"ZADD", k, "9e18", kSeeded};
        for (int i = 0; i < rows.rows(); ++i) {
            zadd.push_back(std::to_string(rows.i64(i, 1)));
            zadd.push_back("p" + std::to_string(rows.i64(i, 0)));
        }
        auto seeded = redis_.pipeline({zadd, {"PEXPIRE", k, ttl}});
        if (!seeded[0].ok)
            return "";
    }
    return "";
}

void AuthThrottle::checkInPostgres(db::PgConnection& c, const Limit& limit, int64_t now) {
    auto r = c.q(
        "SELECT count(*), coalesce((extract(epoch FROM min(at)) * 1000)::bigint, 0) "
        "FROM network.throttle_events WHERE bucket = $1 AND at > now() - make_interval(secs => $2)",
        limit.bucket, static_cast<long long>(limit.window.count()));
    if (r.i64(0, 0) >= limit.max)
        refuse(limit, r.i64(0, 1), now);
}

void AuthThrottle::keep(db::PgConnection& c, const Ticket& ticket) {
    for (size_t i = 0; i < ticket.limits.size(); ++i) {
        const auto& limit = ticket.limits[i];
        // Old rows of this bucket go as new ones arrive: the table holds about one window.
        c.q("WITH gone AS (DELETE FROM network.throttle_events WHERE bucket = $1 "
            "AND at < now() - make_interval(secs => $2)) "
            "INSERT INTO network.throttle_events (bucket) VALUES ($1)",
            limit.bucket, static_cast<long long>(limit.window.count()));
        if (redis_.enabled() && ticket.redis_member[i].empty()) {
            // Counted in PostgreSQL only: drop the Redis copy so it is re-seeded with this row.
            std::string k = redisKey(limit.bucket);
            if (!redis_.del(k)) {
                std::lock_guard lock(mu_);
                dirty_.insert(k);
            }
        }
    }
}

void AuthThrottle::release(const Ticket& ticket) {
    for (size_t i = 0; i < ticket.redis_member.size(); ++i)
        if (!ticket.redis_member[i].empty())
            redis_.command({"ZREM", redisKey(ticket.limits[i].bucket), ticket.redis_member[i]});
}

void AuthThrottle::forgetDirty() {
    std::set<std::string> keys;
    {
        std::lock_guard lock(mu_);
        if (dirty_.empty())
            return;
        keys.swap(dirty_);
    }
    for (const auto& k : keys)
        if (!redis_.del(k)) {
            std::lock_guard lock(mu_);
            dirty_.insert(k);
        }
}

}  // namespace agora
