#include "cache/PageCache.h"

namespace agora {

namespace {
constexpr auto kTtl = std::chrono::seconds(30);
std::string fullKey(int64_t tenant_id, const std::string& key) {
    return std::to_string(tenant_id) + ":" + key;
}
}  // namespace

uint64_t PageCache::generation(int64_t tenant_id) {
    std::lock_guard lock(mu_);
    return (epoch_ << 40) + generations_[tenant_id];
}

std::optional<std::string> PageCache::get(int64_t tenant_id, const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(fullKey(tenant_id, key));
    if (it == entries_.end() || it->second.expires < std::chrono::steady_clock::now()) {
        ++misses_;
        return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++hits_;
    return it->second.body;
}

void PageCache::put(int64_t tenant_id, const std::string& key, std::string body,
                    uint64_t generation) {
    std::lock_guard lock(mu_);
    if ((epoch_ << 40) + generations_[tenant_id] != generation)
        return;
    std::string k = fullKey(tenant_id, key);
    if (auto it = entries_.find(k); it != entries_.end()) {
        bytes_ -= it->second.body.size();
        lru_.erase(it->second.lru);
        entries_.erase(it);
    }
    lru_.push_front(k);
    bytes_ += body.size();
    entries_.emplace(k,
                     Entry{std::move(body), std::chrono::steady_clock::now() + kTtl, lru_.begin()});
    evictLocked();
}

void PageCache::evictLocked() {
    while (bytes_ > max_bytes_ && !lru_.empty()) {
        auto it = entries_.find(lru_.back());
        bytes_ -= it->second.body.size();
        entries_.erase(it);
        lru_.pop_back();
    }
}

void PageCache::invalidateTenant(int64_t tenant_id) {
    std::lock_guard lock(mu_);
    ++generations_[tenant_id];
    std::string prefix = std::to_string(tenant_id) + ":";
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->first.compare(0, prefix.size(), prefix) == 0) {
            bytes_ -= it->second.body.size();
            lru_.erase(it->second.lru);
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

void PageCache::clear() {
    std::lock_guard lock(mu_);
    ++epoch_;
    entries_.clear();
    lru_.clear();
    bytes_ = 0;
}

size_t PageCache::bytes() {
    std::lock_guard lock(mu_);
    return bytes_;
}

}  // namespace agora
