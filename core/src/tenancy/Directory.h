#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "db/PgPool.h"
#include "tenancy/Tenant.h"

namespace agora {

// Host name → tenant, in memory. Reloaded when PostgreSQL notifies `agora_directory` (the CLI
// and the admin API notify in the same transaction as their change) and, as a safety net,
// every 30 seconds. Lookups never touch the database.
class Directory {
public:
    explicit Directory(db::PgPool& pool) : pool_(pool) {}
    ~Directory();

    // Host without port, any case. Null when unknown or disabled.
    std::shared_ptr<const Tenant> byHost(const std::string& host) const;
    std::shared_ptr<const Tenant> bySlug(const std::string& slug) const;
    std::shared_ptr<const Tenant> byId(int64_t id) const;
    std::vector<std::shared_ptr<const Tenant>> all() const;

    void reload();
    // Starts the LISTEN thread (servers only; the CLI reloads explicitly).
    void startListening(const std::string& database_url);
    uint64_t generation() const { return generation_.load(); }
    // Other channels the listener connection hears (page cache invalidations), and what to do
    // when it had to reconnect (notifications may have been missed meanwhile).
    void onNotify(std::function<void(const std::string&, const std::string&)> fn) {
        on_notify_ = std::move(fn);
    }
    void onReconnect(std::function<void()> fn) { on_reconnect_ = std::move(fn); }

    static std::string normaliseHost(const std::string& host_header);

private:
    struct State {
        std::unordered_map<std::string, std::shared_ptr<const Tenant>> by_host;
        std::unordered_map<std::string, std::shared_ptr<const Tenant>> by_slug;
        std::unordered_map<int64_t, std::shared_ptr<const Tenant>> by_id;
    };
    std::shared_ptr<const State> state() const;
    void listenLoop(std::string url);

    db::PgPool& pool_;
    mutable std::mutex mu_;
    std::shared_ptr<const State> state_ = std::make_shared<State>();
    std::atomic<uint64_t> generation_{0};
    std::atomic<bool> stop_{false};
    std::thread listener_;
    std::function<void(const std::string&, const std::string&)> on_notify_;
    std::function<void()> on_reconnect_;
};

// The channel name every directory or settings change notifies.
inline constexpr const char* kDirectoryChannel = "agora_directory";

}  // namespace agora
