#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace agora {

// Rendered pages for anonymous readers (the bulk of traffic), in process. Entries are dropped
// when their thread changes — locally right after commit, and on every other server through the
// `agora_cache` NOTIFY sent in the writing transaction. A page rendered while a write committed
// is never stored (tenant generation check), so a stale page can't outlive the write that
// changed it; a short TTL bounds anything missed while a listener reconnects.
class PageCache {
public:
    explicit PageCache(size_t max_bytes = 64 << 20) : max_bytes_(max_bytes) {}

    // Generation of a tenant's content; take it before reading the database.
    uint64_t generation(int64_t tenant_id);
    std::optional<std::string> get(int64_t tenant_id, const std::string& key);
    // Stores only if the tenant's generation is still `generation`.
    void put(int64_t tenant_id, const std::string& key, std::string body, uint64_t generation);
    // A write in the tenant: every page of it may show the change (lists, the thread, profiles).
    void invalidateTenant(int64_t tenant_id);
    void clear();

    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }
    size_t bytes();

private:
    struct Entry {
        std::string body;
        std::chrono::steady_clock::time_point expires;
        std::list<std::string>::iterator lru;
    };
    void evictLocked();

    std::mutex mu_;
    size_t max_bytes_;
    size_t bytes_ = 0;
    std::unordered_map<std::string, Entry> entries_;  // "tenant:key"
    std::list<std::string> lru_;                      // front = most recent
    std::unordered_map<int64_t, uint64_t> generations_;
    uint64_t epoch_ = 0;  // bumped by clear(): covers tenants with no generation yet
    std::atomic<uint64_t> hits_{0}, misses_{0};
};

inline constexpr const char* kCacheChannel = "agora_cache";

}  // namespace agora
