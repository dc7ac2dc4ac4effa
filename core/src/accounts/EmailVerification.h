#pragma once

#include <cstdint>
#include <string>

#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

// Proving an address, and changing it. A new address waits in accounts.pending_email and takes
// over (login, reset links, mail) only once a link sent to it is followed; the old address is
// told that a change was asked for, so a hijacked session can't quietly move the account.
class EmailVerification {
public:
    // Queues a link to the account's current address. 409 when it is verified already.
    static void sendForCurrent(db::PgConnection& c, const Tenant& tenant, int64_t account_id);
    // Validates (422 `email`), 409 when another account has it, records it as pending, mails a
    // link to it and a notice to the current address. The password is checked by the caller.
    static void requestChange(db::PgConnection& c, const Tenant& tenant, int64_t account_id,
                              const std::string& new_email);
    // Spends a verify token and marks its address verified: the current one, or the pending
    // one, which then replaces it. 410 when spent/expired or the address is no longer the
    // account's; 409 when another account took the address meanwhile. Returns the address.
    static std::string confirm(db::PgConnection& c, const std::string& token);
    static void checkAddress(const std::string& email, const std::string& field);
};

}  // namespace agora
