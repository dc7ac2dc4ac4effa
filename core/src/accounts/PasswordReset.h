#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "accounts/AccountService.h"
#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

// "Forgot password?": a link mailed to the account's address, good once for an hour, that sets
// a new password and signs the account out everywhere.
class PasswordReset {
public:
    // Queues the link when `candidate` names an account (and the tenant may mail). An unknown
    // login does the same work short of the two inserts — a look-up of the same shape, a
    // token drawn and hashed — so neither the answer nor its timing tells the two apart.
    static void request(db::PgConnection& c, const Tenant& tenant,
                        const std::optional<LoginCandidate>& candidate);
    // Before the transaction: 410 for a spent, expired or unknown token (checked before any
    // hashing, so a made-up token costs no Argon2id); 422 naming `password` for a bad one (the
    // token stays unspent). Returns the new password's hash.
    static std::string prepare(db::PgConnection& c, const std::string& token,
                               const std::string& password);
    // In the caller's transaction: spends the token (410 if a concurrent click won), sets the
    // password and revokes every session, bearer token and reset link of the account.
    // Returns the account.
    static int64_t complete(db::PgConnection& c, const std::string& token,
                            const std::string& password_hash, std::optional<int64_t> tenant_id);
    // The rule sign-up applies: 8 to 1024 characters.
    static void checkPassword(const std::string& password, const std::string& field);
};

}  // namespace agora
