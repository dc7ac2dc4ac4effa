#include "services/Services.h"

#include "migrate/NetworkInit.h"
#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

Services::Services(Config config, size_t pool_size, DbRole role) : config_(std::move(config)) {
    crypto::init();
    if (config_.database_url.empty())
        throw Error::unavailable(
            "no database configured: set AGORA_DATABASE_URL or run ops/up to create .agora/");
    if (config_.migration_database_url.empty())
        config_.migration_database_url = config_.database_url;
    bool owner = role == DbRole::Owner;
    pool_ = std::make_unique<db::PgPool>(
        owner ? config_.migration_database_url : config_.database_url, pool_size);
    // Opened on first use only: a server that enables no plugin never logs in as the owner.
    if (!owner && config_.splitRoles())
        owner_pool_ = std::make_unique<db::PgPool>(config_.migration_database_url, 2);
    // A dead or unreachable server fails a connect in seconds, for the CLI too.
    pool_->setLimits({static_cast<int>(config_.db_connect_timeout_seconds), 0, 0});
    if (owner_pool_)
        owner_pool_->setLimits({static_cast<int>(config_.db_connect_timeout_seconds), 0, 0});
    redis_ = std::make_unique<cache::RedisClient>(config_.redis_url);
    directory_ = std::make_unique<Directory>(*pool_);
    rate_limiter_ = std::make_unique<RateLimiter>(*redis_);
    AuthThrottle::Limits limits;
    limits.login_failures_per_account = config_.login_failures_per_account;
    limits.login_failures_per_address = config_.login_failures_per_address;
    limits.login_window = std::chrono::seconds(config_.login_window_seconds);
    limits.signups_per_address = config_.signups_per_address;
    limits.signup_window = std::chrono::seconds(config_.signup_window_seconds);
    auth_throttle_ = std::make_unique<AuthThrottle>(*redis_, limits);
    directory_->onNotify([this](const std::string& channel, const std::string& payload) {
        if (channel == kCacheChannel) {
            try {
                page_cache_.invalidateTenant(std::stoll(payload));
            } catch (const std::exception&) {
                page_cache_.clear();
            }
        }
    });
    directory_->onReconnect([this] { page_cache_.clear(); });
    registerCoreSettings(settings_);
    tenant_steps_ = migrate::Migrator::loadSteps(config_.root / "migrations" / "tenant");
}

Services::~Services() = default;

db::PgPool& Services::ownerPool() {
    return owner_pool_ ? *owner_pool_ : *pool_;
}

Renderer& Services::renderer() {
    if (!renderer_)
        throw Error::internal("renderer not prepared");
    return *renderer_;
}

void Services::prepareRequests() {
    // Requests get every limit: no statement, lock wait or forgotten transaction holds a
    // worker (and its connection) for long.
    pool_->setLimits({static_cast<int>(config_.db_connect_timeout_seconds),
                      static_cast<int>(config_.db_statement_timeout_ms),
                      static_cast<int>(config_.db_idle_in_transaction_timeout_ms)});
    renderer_ = std::make_unique<Renderer>(config_.root / "themes");
    secret();    // fetched once, before request threads share it
    cacheKey();  // likewise
}

void Services::initNetwork() {
    migrate::initNetwork(ownerPool(), config_);
}

const std::string& Services::secret() {
    if (secret_.empty()) {
        auto lease = pool_->acquire();
        // First server to ask creates it; everyone else reads the same value.
        lease->q(
            "INSERT INTO network.secrets (name, value) VALUES ('csrf', $1) "
            "ON CONFLICT (name) DO NOTHING",
            crypto::randomToken(32));
        secret_ = lease->q("SELECT value FROM network.secrets WHERE name = 'csrf'").str(0, 0);
    }
    return secret_;
}

const std::string& Services::cacheKey() {
    if (cache_key_.empty())
        cache_key_ = crypto::hmacHex(secret(), "agora plugin cache signing v1");
    return cache_key_;
}

}  // namespace agora
