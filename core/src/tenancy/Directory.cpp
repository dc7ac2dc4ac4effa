#include "tenancy/Directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "tenancy/TenantRoles.h"

namespace agora {

Directory::~Directory() {
    stop_ = true;
    if (listener_.joinable())
        listener_.join();
}

std::string Directory::normaliseHost(const std::string& host_header) {
    std::string h = host_header;
    // Strip the port (but not from a bracketed IPv6 literal's inside).
    auto colon = h.rfind(':');
    if (colon != std::string::npos && h.find(']') == std::string::npos)
        h = h.substr(0, colon);
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!h.empty() && h.back() == '.')
        h.pop_back();
    return h;
}

std::shared_ptr<const Directory::State> Directory::state() const {
    std::lock_guard lock(mu_);
    return state_;
}

std::shared_ptr<const Tenant> Directory::byHost(const std::string& host) const {
    auto s = state();
    auto it = s->by_host.find(normaliseHost(host));
    if (it == s->by_host.end() || it->second->status != TenantStatus::Active)
        return nullptr;
    return it->second;
}

std::shared_ptr<const Tenant> Directory::bySlug(const std::string& slug) const {
    auto s = state();
    auto it = s->by_slug.find(slug);
    return it == s->by_slug.end() ? nullptr : it->second;
}

std::shared_ptr<const Tenant> Directory::byId(int64_t id) const {
    auto s = state();
    auto it = s->by_id.find(id);
    return it == s->by_id.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const Tenant>> Directory::all() const {
    auto s = state();
    std::vector<std::shared_ptr<const Tenant>> out;
    for (const auto& [id, t] : s->by_id)
        out.push_back(t);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
    return out;
}

void Directory::reload() {
    auto lease = pool_.acquire();
    auto& c = *lease;
    // One snapshot so tenants, hosts, settings and plugins agree with each other.
    db::Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto tenants =
        c.q("SELECT t.id, t.slug, t.name, t.schema_name, t.theme, t.status, t.shard, t.staging_of, "
            "       coalesce(p.slug, '') AS parent_slug "
            "FROM network.tenants t LEFT JOIN network.tenants p ON p.id = t.staging_of");
    std::unordered_map<int64_t, std::shared_ptr<Tenant>> by_id;
    for (int i = 0; i < tenants.rows(); ++i) {
        auto t = std::make_shared<Tenant>();
        t->id = tenants.i64(i, 0);
        t->slug = tenants.str(i, 1);
        t->name = tenants.str(i, 2);
        t->schema = tenants.str(i, 3);
        t->theme = tenants.str(i, 4);
        t->status = parseTenantStatus(tenants.str(i, 5));
        t->shard = tenants.str(i, 6);
        t->staging_of = tenants.optI64(i, "staging_of");
        t->staging_of_slug = tenants.str(i, 8);
        by_id[t->id] = t;
    }
    auto hosts = c.q("SELECT host, tenant_id FROM network.hosts ORDER BY host");
    for (int i = 0; i < hosts.rows(); ++i)
        if (auto it = by_id.find(hosts.i64(i, 1)); it != by_id.end())
            it->second->hosts.push_back(hosts.str(i, 0));
    auto settings = c.q("SELECT tenant_id, key, value::text FROM network.settings");
    for (int i = 0; i < settings.rows(); ++i)
        if (auto it = by_id.find(settings.i64(i, 0)); it != by_id.end())
            it->second->overrides[settings.str(i, 1)] = json::parse(settings.str(i, 2));
    auto plugins = c.q("SELECT tenant_id, plugin FROM network.tenant_plugins WHERE enabled");
    for (int i = 0; i < plugins.rows(); ++i)
        if (auto it = by_id.find(plugins.i64(i, 0)); it != by_id.end())
            it->second->plugins.insert(plugins.str(i, 1));
    // Roles this connection may switch to (a superuser: all of them).
    auto roles =
        c.q("SELECT rolname FROM pg_roles WHERE rolname LIKE 'agora\\_%' "
            "AND pg_has_role(current_user, oid, 'MEMBER')");
    std::unordered_set<std::string> usable;
    for (int i = 0; i < roles.rows(); ++i)
        usable.insert(roles.str(i, 0));
    for (auto& [id, t] : by_id)
        if (auto role = TenantRoles::roleFor(t->schema); usable.count(role))
            t->db_role = role;
    tx.commit();

    auto next = std::make_shared<State>();
    for (auto& [id, t] : by_id) {
        for (const auto& h : t->hosts)
            next->by_host[h] = t;
        next->by_slug[t->slug] = t;
        next->by_id[id] = t;
    }
    {
        std::lock_guard lock(mu_);
        state_ = std::move(next);
    }
    ++generation_;
}

void Directory::startListening(const std::string& database_url) {
    listener_ = std::thread([this, database_url] { listenLoop(database_url); });
}

void Directory::listenLoop(std::string url) {
    using clock = std::chrono::steady_clock;
    while (!stop_) {
        try {
            db::PgConnection conn(url);
            conn.exec(std::string("LISTEN ") + kDirectoryChannel + "; LISTEN agora_cache");
            if (on_reconnect_)
                on_reconnect_();
            // Changes made while we were not listening are picked up by this reload.
            reload();
            auto last_full = clock::now();
            while (!stop_) {
                bool changed = false;
                conn.waitNotifications(500, [&](std::string channel, std::string payload) {
                    if (channel == kDirectoryChannel)
                        changed = true;
                    else if (on_notify_)
                        on_notify_(channel, payload);
                });
                if (changed || clock::now() - last_full > std::chrono::seconds(30)) {
                    reload();
                    last_full = clock::now();
                }
            }
        } catch (const std::exception& e) {
            spdlog::warn("directory listener: {}; reconnecting", e.what());
            for (int i = 0; i < 10 && !stop_; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

}  // namespace agora
