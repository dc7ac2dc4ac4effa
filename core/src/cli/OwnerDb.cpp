#include "cli/OwnerDb.h"

#include "migrate/NetworkInit.h"
#include "util/Crypto.h"
#include "util/Error.h"

namespace agora::cli {

Config OwnerDb::checked(Config config) {
    crypto::init();
    if (config.database_url.empty())
        throw Error::unavailable(
            "no database configured: set AGORA_DATABASE_URL or run ops/up to create .agora/");
    if (config.migration_database_url.empty())
        config.migration_database_url = config.database_url;
    return config;
}

OwnerDb::OwnerDb(size_t pool_size, Config config)
    : config_(checked(std::move(config))), pool_(config_.migration_database_url, pool_size) {
    // A dead or unreachable server fails a connect in seconds.
    pool_.setLimits({static_cast<int>(config_.db_connect_timeout_seconds), 0, 0});
}

void OwnerDb::initNetwork() {
    migrate::initNetwork(pool_, config_);
}

}  // namespace agora::cli
