#pragma once

#include <memory>
#include <string>
#include <vector>

#include "accounts/AuthThrottle.h"
#include "cache/PageCache.h"
#include "cache/RedisClient.h"
#include "content/ContentServices.h"
#include "content/EventBus.h"
#include "content/PermissionService.h"
#include "content/RateLimiter.h"
#include "db/PgPool.h"
#include "migrate/Migrator.h"
#include "render/Renderer.h"
#include "settings/SettingsRegistry.h"
#include "tenancy/Directory.h"
#include "util/Config.h"
#include "util/Metrics.h"

namespace agora {

// Which database role pool() connects as. Operator commands (the CLI) act as the owner, the
// role that runs migrations; a server serves requests as the application role and keeps a small
// owner pool for the few admin actions that change schemas (network init, enabling a plugin).
enum class DbRole { Owner, Application };

// The long-lived services one process shares between its request threads and commands: the
// pools, Redis, the tenant directory, settings, permissions, events, limits, caches and the
// renderer. Built once at start. Everything below http takes only the parts it uses; the
// request layer and plugins take this. The router and the plugin host are not here: they sit
// above the request layer (app/App.h adds them).
class Services {
public:
    explicit Services(Config config, size_t pool_size = 16, DbRole role = DbRole::Owner);
    virtual ~Services();
    Services(const Services&) = delete;
    Services& operator=(const Services&) = delete;

    const Config& config() const { return config_; }
    db::PgPool& pool() { return *pool_; }
    // The migration role's connections (DDL, tenant roles); pool() itself unless the roles are
    // split and this is a server.
    db::PgPool& ownerPool();
    cache::RedisClient& redis() { return *redis_; }
    SettingsRegistry& settings() { return settings_; }
    Directory& directory() { return *directory_; }
    Metrics& metrics() { return metrics_; }
    PermissionService& permissions() { return permissions_; }
    EventBus& events() { return events_; }
    RateLimiter& rateLimiter() { return *rate_limiter_; }
    AuthThrottle& authThrottle() { return *auth_throttle_; }
    PageCache& pageCache() { return page_cache_; }
    // What content writes use besides their session.
    ContentServices content() { return {permissions_, *rate_limiter_, events_, page_cache_}; }
    // Themes and templates; servers only (prepareRenderer()).
    Renderer& renderer();

    // Network schema: bootstrap + pending network migrations (idempotent).
    void initNetwork();
    // Core steps every tenant schema gets (plugin steps are applied on enable).
    const std::vector<migrate::Step>& tenantSteps() const { return tenant_steps_; }
    // HMAC key shared by all servers (CSRF tokens).
    const std::string& secret();
    // Key that signs values plugins cache in Redis (derived from secret()).
    const std::string& cacheKey();

protected:
    // Gives requests every limit and builds the renderer: servers only.
    void prepareRequests();

private:
    Config config_;
    std::unique_ptr<db::PgPool> pool_;
    std::unique_ptr<db::PgPool> owner_pool_;  // null when pool_ is the owner's
    std::unique_ptr<cache::RedisClient> redis_;
    SettingsRegistry settings_;
    std::unique_ptr<Directory> directory_;
    Metrics metrics_;
    PermissionService permissions_;
    EventBus events_;
    std::unique_ptr<RateLimiter> rate_limiter_;
    std::unique_ptr<AuthThrottle> auth_throttle_;
    PageCache page_cache_;
    std::unique_ptr<Renderer> renderer_;
    std::vector<migrate::Step> tenant_steps_;
    std::string secret_;
    std::string cache_key_;
};

}  // namespace agora
