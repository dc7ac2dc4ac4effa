#include "content/EventBus.h"

namespace agora {

void EventBus::subscribe(const std::string& event, const std::string& plugin,
                         EventHandler handler) {
    std::lock_guard lock(mu_);
    subscribers_[event].push_back({plugin, std::move(handler)});
}

void EventBus::publish(db::PgConnection& conn, const Tenant& tenant, const Event& event) const {
    std::vector<Subscriber> subs;
    {
        std::lock_guard lock(mu_);
        auto it = subscribers_.find(event.name);
        if (it == subscribers_.end())
            return;
        subs = it->second;
    }
    for (const auto& s : subs)
        if (s.plugin.empty() || tenant.pluginEnabled(s.plugin))
            s.handler(conn, tenant, event);
}

}  // namespace agora
