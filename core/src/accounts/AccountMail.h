#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

// The mails accounts send (reset, verify, email_change, email_change_notice), queued in the
// caller's transaction through the outbox. A staging tenant is a copy of a real community with
// its real members' addresses: nothing is ever queued from one (returns false).
class AccountMail {
public:
    static bool queue(db::PgConnection& c, const Tenant& tenant, int64_t account_id,
                      const std::string& to_address, const std::string& to_name,
                      const std::string& template_name, nlohmann::json data);
    // "ab…@example.com": enough for the owner of the old address to recognise the new one,
    // not enough to hand it to whoever reads the old mailbox.
    static std::string maskAddress(const std::string& address);
};

}  // namespace agora
