#include "accounts/PasswordReset.h"

#include "accounts/AccountMail.h"
#include "accounts/AccountSessions.h"
#include "accounts/AccountTokens.h"
#include "tenancy/AuditLog.h"
#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

void PasswordReset::request(db::PgConnection& c, const Tenant& tenant,
                            const std::optional<LoginCandidate>& candidate) {
    int64_t id = candidate ? candidate->account_id : 0;
    auto r = c.q("SELECT email, display_name FROM network.accounts WHERE id = $1", id);
    if (r.empty() || tenant.isStaging()) {
        // The work of issuing a token, without the rows.
        (void)crypto::sha256Hex(crypto::randomToken(32));
        return;
    }
    std::string email = r.str(0, 0);
    std::string token = AccountTokens::issue(c, id, TokenPurpose::Reset,
                                             AccountTokens::kResetLifetime, email, tenant.id);
    AccountMail::queue(c, tenant, id, email, r.str(0, 1), "reset",
                       {{"link", "/reset/" + token}, {"expires_minutes", 60}});
}

void PasswordReset::checkPassword(const std::string& password, const std::string& field) {
    if (password.size() < 8)
        throw Error::invalid(field, "password must be 8+ characters");
    if (password.size() > 1024)
        throw Error::invalid(field, "password is too long");
}

std::string PasswordReset::prepare(db::PgConnection& c, const std::string& token,
                                   const std::string& password) {
    if (!AccountTokens::peek(c, token, TokenPurpose::Reset))
        throw Error::gone("this reset link has been used or has expired");
    checkPassword(password, "password");
    return crypto::hashPassword(password);
}

int64_t PasswordReset::complete(db::PgConnection& c, const std::string& token,
                                const std::string& hash, std::optional<int64_t> tenant_id) {
    auto spent = AccountTokens::spend(c, token, TokenPurpose::Reset);
    // The link reached the address it was sent to, so that address is proven too.
    c.q("UPDATE network.accounts SET password_hash = $2, updated_at = now(), "
        "email_verified_at = CASE WHEN lower(email) = lower($3) "
        "  THEN coalesce(email_verified_at, now()) ELSE email_verified_at END WHERE id = $1",
        spent.account_id, hash, spent.email);
    AccountSessions::revokeAll(c, spent.account_id);
    AccountTokens::revokeAll(c, spent.account_id, TokenPurpose::Reset);
    auditLog(c, tenant_id, spent.account_id, "account.password_reset",
             "account:" + std::to_string(spent.account_id), nullptr, nullptr);
    return spent.account_id;
}

}  // namespace agora
