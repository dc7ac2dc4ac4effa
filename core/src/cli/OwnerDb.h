#pragma once

#include <cstddef>

#include "db/PgPool.h"
#include "util/Config.h"

namespace agora::cli {

// What the migration, staging and backup commands use instead of a whole App (no Redis, no
// directory, no plugin host): the configuration and a pool of connections as the owner role,
// the role that runs migrations.
class OwnerDb {
public:
    explicit OwnerDb(size_t pool_size, Config config = Config::load());

    const Config& config() const { return config_; }
    db::PgPool& pool() { return pool_; }
    // The owner role's URL, for what opens connections or runs pg_dump/psql of its own.
    const std::string& url() const { return config_.migration_database_url; }
    // Bootstrap and pending network migrations, grants, tenant roles (migrate::initNetwork).
    void initNetwork();

private:
    static Config checked(Config config);

    Config config_;
    db::PgPool pool_;
};

}  // namespace agora::cli
