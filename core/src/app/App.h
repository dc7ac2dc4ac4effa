#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "accounts/AuthThrottle.h"
#include "cache/RedisClient.h"
#include "content/EventBus.h"
#include "content/PermissionService.h"
#include "content/RateLimiter.h"
#include "db/PgPool.h"
#include "migrate/Migrator.h"
#include "render/PageCache.h"
#include "settings/SettingsRegistry.h"
#include "tenancy/Directory.h"
#include "util/Config.h"
#include "util/Metrics.h"

namespace agora {

class PluginHost;
class Renderer;
class Router;

// Which database role pool() connects as. Operator commands (the CLI) act as the owner, the
// role that runs migrations; a server serves requests as the application role and keeps a small
// owner pool for the few admin actions that change schemas (network init, enabling a plugin).
enum class DbRole { Owner, Application };

// The services one process needs, built once at start and shared by every request thread.
class App {
public:
    explicit App(Config config, size_t pool_size = 16, DbRole role = DbRole::Owner);
    ~App();

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
    Renderer& renderer();
    Router& router();
    // Plugins from config().plugin_dir; empty until loadPlugins() ran.
    PluginHost& plugins() { return *plugins_; }
    // Loads the plugin directory once (servers, and the CLI commands that need plugins'
    // settings, migrations or enable hooks). Later calls do nothing.
    void loadPlugins();

    // Network schema: bootstrap + pending network migrations (idempotent).
    void initNetwork();
    // Steps every tenant schema gets (core; plugin steps are applied on enable).
    const std::vector<migrate::Step>& tenantSteps() const { return tenant_steps_; }
    // Core steps followed by those of the named (loaded) plugins, "<plugin>/<file>".
    std::vector<migrate::Step> tenantSteps(const std::set<std::string>& plugins) const;
    // HMAC key shared by all servers (CSRF tokens).
    const std::string& secret();
    // Key that signs values plugins cache in Redis (derived from secret()).
    const std::string& cacheKey();

    // Builds the routes and renderer (servers only; the CLI doesn't need them).
    void prepareServing();

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
    std::unique_ptr<Router> router_;
    std::unique_ptr<PluginHost> plugins_;
    std::vector<migrate::Step> tenant_steps_;
    std::string secret_;
    std::string cache_key_;
};

}  // namespace agora
