#include "accounts/AccountTokens.h"

#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

namespace {

constexpr size_t kMaxTokenLength = 200;

AccountToken fromRow(const db::PgResult& r) {
    AccountToken t;
    t.account_id = r.i64(0, 0);
    t.email = r.isNull(0, 1) ? "" : r.str(0, 1);
    if (!r.isNull(0, 2))
        t.tenant_id = r.i64(0, 2);
    return t;
}

}  // namespace

const char* purposeName(TokenPurpose purpose) {
    return purpose == TokenPurpose::Reset ? "reset" : "verify";
}

std::string AccountTokens::issue(db::PgConnection& c, int64_t account_id, TokenPurpose purpose,
                                 std::chrono::seconds lifetime, const std::string& email,
                                 std::optional<int64_t> tenant_id) {
    std::string token = crypto::randomToken(32);
    std::optional<std::string> address;
    if (!email.empty())
        address = email;
    c.q("INSERT INTO network.account_tokens (token_hash, account_id, purpose, email, tenant_id, "
        "expires_at) VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
        crypto::sha256Hex(token), account_id, std::string(purposeName(purpose)), address, tenant_id,
        static_cast<long long>(lifetime.count()));
    return token;
}

AccountToken AccountTokens::spend(db::PgConnection& c, const std::string& token,
                                  TokenPurpose purpose) {
    if (token.empty() || token.size() > kMaxTokenLength)
        throw Error::gone("this link is no longer valid");
    auto r =
        c.q("UPDATE network.account_tokens SET used_at = now() "
            "WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() "
            "RETURNING account_id, email, tenant_id",
            crypto::sha256Hex(token), std::string(purposeName(purpose)));
    if (r.empty())
        throw Error::gone("this link has been used or has expired");
    return fromRow(r);
}

std::optional<AccountToken> AccountTokens::peek(db::PgConnection& c, const std::string& token,
                                                TokenPurpose purpose) {
    if (token.empty() || token.size() > kMaxTokenLength)
        return std::nullopt;
    auto r =
        c.q("SELECT account_id, email, tenant_id FROM network.account_tokens "
            "WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()",
            crypto::sha256Hex(token), std::string(purposeName(purpose)));
    if (r.empty())
        return std::nullopt;
    return fromRow(r);
}

void AccountTokens::revokeAll(db::PgConnection& c, int64_t account_id, TokenPurpose purpose) {
    c.q("UPDATE network.account_tokens SET used_at = now() "
        "WHERE account_id = $1 AND purpose = $2 AND used_at IS NULL",
        account_id, std::string(purposeName(purpose)));
}

}  // namespace agora
