#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

using json = nlohmann::json;

// Where notifications are written: the community (its id goes on the mail, a staging copy
// never mails, its first host makes the unsubscribe link absolute) and AGORA_PUBLIC_URL.
struct NotifyScope {
    const Tenant& tenant;
    std::string public_url;
};

// Immediate notification mail: for notifications just stored, queues one mail (template
// `notification`) to each recipient whose choice for that type is "immediate", on the caller's
// connection, so the mail exists exactly when the notification does.
class NotificationMail {
public:
    // `items` as NotificationService::addMany stores them: [{member_id, kind, text, link}].
    // One query decides for all of them (preferences, "all mail off", an address to mail,
    // the tenant not being a staging copy); then one statement stores their unsubscribe
    // tokens and each mail is queued. Returns how many were queued.
    static int64_t queueImmediate(db::PgConnection& conn, const NotifyScope& scope,
                                  const json& items);
};

}  // namespace agora
