#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "notifications/NotificationMail.h"

namespace agora {

using json = nlohmann::json;

// A member's inbox in one tenant: what plugins and core wrote with notify_member (ability
// earned, suggested edit reviewed, flag resolved…). Every query is bounded to one member, so a
// member can neither read nor mark another's notifications, here or on another tenant (the
// connection's search_path is the tenant's schema).
class NotificationService {
public:
    explicit NotificationService(db::PgConnection& conn) : c_(conn) {}

    // {"items": [{id, kind, text, link, created_at, read}], page, per_page, total, unread},
    // newest first.
    json list(int64_t member_id, bool unread_only, int64_t page, int64_t per_page);
    int64_t unreadCount(int64_t member_id);
    // Marks the given notifications (all of them when `ids` is empty) read; ids that are not
    // the member's are ignored. Returns how many changed.
    int64_t markRead(int64_t member_id, const std::vector<int64_t>& ids);
    // The notification's link after marking it read; nullopt when it isn't the member's.
    std::optional<std::string> open(int64_t member_id, int64_t id);

    // Stores one (the caller's transaction). Links must be site-relative ("/questions/7").
    // A recipient who wants this type of notification mailed at once gets a mail queued in
    // the same transaction (NotificationMail); the digest job picks up the rest.
    static void add(db::PgConnection& conn, const NotifyScope& scope, int64_t member_id,
                    const std::string& kind, const std::string& text, const std::string& link);
    // Many at once, one statement: [{member_id, kind, text, link}]. All valid or none written.
    static void addMany(db::PgConnection& conn, const NotifyScope& scope, const json& items);

private:
    db::PgConnection& c_;
};

}  // namespace agora
