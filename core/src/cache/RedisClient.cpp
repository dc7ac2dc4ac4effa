#include "cache/RedisClient.h"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <regex>

#include "util/PercentDecode.h"

namespace agora::cache {

namespace {
constexpr timeval kConnectTimeout{0, 200 * 1000};
constexpr timeval kCommandTimeout{0, 250 * 1000};

struct ReplyDeleter {
    void operator()(redisReply* r) const {
        if (r)
            freeReplyObject(r);
    }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

RedisReply convert(redisReply* r) {
    RedisReply out;
    if (!r)
        return out;
    out.ok = r->type != REDIS_REPLY_ERROR;
    switch (r->type) {
        case REDIS_REPLY_STRING:
        case REDIS_REPLY_STATUS:
            out.nil = false;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_INTEGER:
            out.nil = false;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.nil = false;
            for (size_t i = 0; i < r->elements; ++i) {
                auto* e = r->element[i];
                if (e->type == REDIS_REPLY_STRING || e->type == REDIS_REPLY_STATUS)
                    out.elements.emplace_back(std::string(e->str, e->len));
                else if (e->type == REDIS_REPLY_INTEGER)
                    out.elements.emplace_back(std::to_string(e->integer));
                else
                    out.elements.emplace_back(std::nullopt);
            }
            break;
        case REDIS_REPLY_ERROR:
            out.str.assign(r->str, r->len);
            break;
        default:
            break;
    }
    return out;
}
}  // namespace

void RedisClient::ContextDeleter::operator()(redisContext* c) const {
    if (c)
        redisFree(c);
}

RedisClient::RedisClient(const std::string& url, size_t pool_size) : pool_size_(pool_size) {
    if (url.empty())
        return;
    if (url.rfind("rediss://", 0) == 0)
        throw std::runtime_error(
            "rediss:// (Redis over TLS) is not supported: this build's hiredis (Debian 12, 0.14) "
            "has no TLS; use redis:// on a private network or a local TLS tunnel (stunnel)");
    // userinfo: "user:password", ":password" or "password"; percent-encoding is decoded.
    static const std::regex re(R"(redis://(?:([^@/]*)@)?([^:/@]+)(?::(\d+))?(?:/(\d+))?/?)");
    std::smatch m;
    if (!std::regex_match(url, m, re))
        throw std::runtime_error("bad Redis URL (want redis://[user:password@]host[:port][/db])");
    if (m[1].matched) {
        std::string info = m[1];
        auto colon = info.find(':');
        if (colon == std::string::npos) {
            password_ = percentDecode(info);
        } else {
            user_ = percentDecode(info.substr(0, colon));
            password_ = percentDecode(info.substr(colon + 1));
        }
    }
    host_ = m[2];
    if (m[3].matched)
        port_ = std::stoi(m[3]);
    if (m[4].matched)
        db_ = std::stoi(m[4]);
}

RedisClient::~RedisClient() = default;

bool RedisClient::breakerAllows() {
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mu_);
    switch (breaker_) {
        case Breaker::Closed:
            return true;
        case Breaker::Open:
            if (now < open_until_)
                return false;
            // Cool-down over: this caller is the one probe.
            breaker_ = Breaker::HalfOpen;
            probe_started_ = now;
            return true;
        case Breaker::HalfOpen:
            // A probe that never reported (it can't take longer than its timeouts) is presumed
            // lost, so the breaker can't stay half-open for good.
            if (now - probe_started_ > std::chrono::seconds(2)) {
                probe_started_ = now;
                return true;
            }
            return false;
    }
    return false;
}

void RedisClient::recordFailure() {
    ++errors_;
    std::lock_guard lock(mu_);
    if (breaker_ == Breaker::Closed)
        spdlog::warn("redis unavailable; serving from PostgreSQL, probing every {} ms",
                     cool_down_.count());
    breaker_ = Breaker::Open;
    open_until_ = std::chrono::steady_clock::now() + cool_down_;
    idle_.clear();  // every pooled connection is suspect now
}

void RedisClient::recordSuccess() {
    std::lock_guard lock(mu_);
    if (breaker_ != Breaker::Closed)
        spdlog::info("redis available again");
    breaker_ = Breaker::Closed;
}

RedisClient::ContextPtr RedisClient::takeContext() {
    {
        std::lock_guard lock(mu_);
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
    }
    ++connects_;
    ContextPtr ctx(redisConnectWithTimeout(host_.c_str(), port_, kConnectTimeout));
    if (!ctx || ctx->err)
        return nullptr;
    redisSetTimeout(ctx.get(), kCommandTimeout);
    if (!password_.empty()) {
        ReplyPtr r(static_cast<redisReply*>(
            user_.empty() ? redisCommand(ctx.get(), "AUTH %b", password_.data(), password_.size())
                          : redisCommand(ctx.get(), "AUTH %b %b", user_.data(), user_.size(),
                                         password_.data(), password_.size())));
        if (!r || r->type == REDIS_REPLY_ERROR) {
            // Said once per outage (the breaker keeps retries rare); never logs the password.
            spdlog::warn("redis refused AUTH{}: {}", user_.empty() ? "" : " for user " + user_,
                         r ? std::string(r->str, r->len) : "no answer");
            return nullptr;
        }
    }
    if (db_ != 0) {
        ReplyPtr r(static_cast<redisReply*>(redisCommand(ctx.get(), "SELECT %d", db_)));
        if (!r || r->type == REDIS_REPLY_ERROR)
            return nullptr;
    }
    return ctx;
}

void RedisClient::giveBack(ContextPtr ctx) {
    std::lock_guard lock(mu_);
    if (idle_.size() < pool_size_)
        idle_.push_back(std::move(ctx));
}

RedisReply RedisClient::command(const std::vector<std::string>& argv) {
    auto replies = pipeline({argv});
    return replies.empty() ? RedisReply{} : std::move(replies.front());
}

std::vector<RedisReply> RedisClient::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
    std::vector<RedisReply> out(commands.size());
    if (!enabled() || !breakerAllows()) {
        if (enabled())
            ++errors_;
        return out;
    }
    auto ctx = takeContext();
    if (!ctx) {
        recordFailure();
        return out;
    }
    for (const auto& argv : commands) {
        std::vector<const char*> args;
        std::vector<size_t> lens;
        for (const auto& a : argv) {
            args.push_back(a.data());
            lens.push_back(a.size());
        }
        redisAppendCommandArgv(ctx.get(), static_cast<int>(args.size()), args.data(), lens.data());
    }
    for (size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(ctx.get(), &raw) != REDIS_OK) {
            recordFailure();
            return std::vector<RedisReply>(commands.size());
        }
        ReplyPtr reply(static_cast<redisReply*>(raw));
        out[i] = convert(reply.get());
    }
    giveBack(std::move(ctx));
    recordSuccess();
    return out;
}

std::optional<std::string> RedisClient::get(const std::string& key) {
    auto r = command({"GET", key});
    if (!r.ok || r.nil) {
        if (r.ok)
            ++misses_;
        return std::nullopt;
    }
    ++hits_;
    return r.str;
}

bool RedisClient::set(const std::string& key, const std::string& value, int ttl_seconds) {
    return command({"SET", key, value, "EX", std::to_string(ttl_seconds)}).ok;
}

bool RedisClient::del(const std::string& key) {
    return command({"DEL", key}).ok;
}

bool RedisClient::publish(const std::string& channel, const std::string& message) {
    return command({"PUBLISH", channel, message}).ok;
}

bool RedisClient::available() {
    auto r = command({"PING"});
    return r.ok && r.str == "PONG";
}

}  // namespace agora::cache
