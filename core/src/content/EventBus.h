#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

using json = nlohmann::json;

// Core events: post.created, post.edited, post.deleted, post.undeleted, vote.cast,
// vote.changed, vote.removed, member.joined, member.role_changed — and whatever plugins publish
// (edit.approved, flag.resolved…). Handlers run synchronously on the publisher's connection,
// inside its transaction: a counter a handler updates commits or rolls back with the activity.
struct Event {
    std::string name;
    json payload;
};

using EventHandler = std::function<void(db::PgConnection&, const Tenant&, const Event&)>;

class EventBus {
public:
    // `plugin` empty = core subscriber (always runs); otherwise only on tenants that enabled it.
    void subscribe(const std::string& event, const std::string& plugin, EventHandler handler);
    void publish(db::PgConnection& conn, const Tenant& tenant, const Event& event) const;

private:
    struct Subscriber {
        std::string plugin;
        EventHandler handler;
    };
    mutable std::mutex mu_;
    std::map<std::string, std::vector<Subscriber>> subscribers_;
};

}  // namespace agora
