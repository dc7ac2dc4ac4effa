#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "db/PgConnection.h"

namespace agora {

// What a token is good for: resetting a password, or proving control of an address.
enum class TokenPurpose { Reset, Verify };
const char* purposeName(TokenPurpose purpose);

// What a spent (or about to be spent) token names.
struct AccountToken {
    int64_t account_id = 0;
    std::string email;  // the address a verify token proves; "" for reset
    std::optional<int64_t> tenant_id;
};

// Single-use links mailed to an account (network.account_tokens). The secret is random
// (libsodium) and travels only in the mail; the table keeps its SHA-256. Everything runs on the
// caller's connection so a token exists exactly when the mail that carries it was queued.
class AccountTokens {
public:
    static constexpr std::chrono::seconds kResetLifetime{3600};
    static constexpr std::chrono::seconds kVerifyLifetime{48 * 3600};

    // Returns the secret to put in the link.
    static std::string issue(db::PgConnection& c, int64_t account_id, TokenPurpose purpose,
                             std::chrono::seconds lifetime, const std::string& email = "",
                             std::optional<int64_t> tenant_id = std::nullopt);
    // Spends it: one UPDATE ... WHERE used_at IS NULL, so of two concurrent clicks exactly one
    // wins. 410 when unknown, already spent or expired (the three are not told apart).
    static AccountToken spend(db::PgConnection& c, const std::string& token, TokenPurpose purpose);
    // Whether it could be spent now (the form behind a link), without spending it.
    static std::optional<AccountToken> peek(db::PgConnection& c, const std::string& token,
                                            TokenPurpose purpose);
    // Spends every unspent token of the account for `purpose` (after a password change, a link
    // mailed earlier must not work any more).
    static void revokeAll(db::PgConnection& c, int64_t account_id, TokenPurpose purpose);
};

}  // namespace agora
