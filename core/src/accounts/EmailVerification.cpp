#include "accounts/EmailVerification.h"

#include <regex>

#include "accounts/AccountMail.h"
#include "accounts/AccountTokens.h"
#include "tenancy/AuditLog.h"
#include "util/Error.h"

namespace agora {

namespace {

std::string lower(std::string s) {
    for (auto& ch : s)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

void mailLink(db::PgConnection& c, const Tenant& tenant, int64_t account_id,
              const std::string& email, const std::string& name, const std::string& templ) {
    std::string token = AccountTokens::issue(c, account_id, TokenPurpose::Verify,
                                             AccountTokens::kVerifyLifetime, email, tenant.id);
    AccountMail::queue(c, tenant, account_id, email, name, templ,
                       {{"link", "/verify/" + token}, {"email", email}, {"expires_hours", 48}});
}

}  // namespace

void EmailVerification::checkAddress(const std::string& email, const std::string& field) {
    static const std::regex email_re("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    if (email.size() > 254 || !std::regex_match(email, email_re))
        throw Error::invalid(field, "email address is not valid");
}

void EmailVerification::sendForCurrent(db::PgConnection& c, const Tenant& tenant,
                                       int64_t account_id) {
    auto r =
        c.q("SELECT email, display_name, email_verified_at IS NOT NULL FROM network.accounts "
            "WHERE id = $1",
            account_id);
    if (r.empty())
        throw Error::notFound("no such account");
    if (r.boolean(0, 2))
        throw Error::conflict("already_verified", "this address is verified already");
    mailLink(c, tenant, account_id, r.str(0, 0), r.str(0, 1), "verify");
}

void EmailVerification::requestChange(db::PgConnection& c, const Tenant& tenant, int64_t account_id,
                                      const std::string& new_email) {
    checkAddress(new_email, "email");
    auto r = c.q("SELECT email, display_name FROM network.accounts WHERE id = $1 FOR UPDATE",
                 account_id);
    if (r.empty())
        throw Error::notFound("no such account");
    std::string old_email = r.str(0, 0);
    if (lower(old_email) == lower(new_email))
        throw Error::invalid("email", "that is the address you have");
    if (!c.q("SELECT 1 FROM network.accounts WHERE lower(email) = lower($1) AND id <> $2",
             new_email, account_id)
             .empty())
        throw Error::conflict("email_taken", "an account with that email exists");
    c.q("UPDATE network.accounts SET pending_email = $2, updated_at = now() WHERE id = $1",
        account_id, new_email);
    mailLink(c, tenant, account_id, new_email, r.str(0, 1), "email_change");
    AccountMail::queue(
        c, tenant, account_id, old_email, r.str(0, 1), "email_change_notice",
        {{"new_email_masked", AccountMail::maskAddress(new_email)}, {"reset_link", "/forgot"}});
    auditLog(c, tenant.id, account_id, "account.email_change_requested",
             "account:" + std::to_string(account_id), nullptr, nullptr);
}

std::string EmailVerification::confirm(db::PgConnection& c, const std::string& token) {
    auto spent = AccountTokens::spend(c, token, TokenPurpose::Verify);
    auto r = c.q("SELECT email, pending_email FROM network.accounts WHERE id = $1 FOR UPDATE",
                 spent.account_id);
    if (r.empty())
        throw Error::gone("this link is for an account that no longer exists");
    std::string proven = lower(spent.email);
    if (lower(r.str(0, 0)) == proven) {
        c.q("UPDATE network.accounts SET email_verified_at = coalesce(email_verified_at, now()) "
            "WHERE id = $1",
            spent.account_id);
        return r.str(0, 0);
    }
    if (r.isNull(0, 1) || lower(r.str(0, 1)) != proven)
        throw Error::gone("this link is for an address that is no longer on the account");
    if (!c.q("SELECT 1 FROM network.accounts WHERE lower(email) = $1 AND id <> $2", proven,
             spent.account_id)
             .empty())
        throw Error::conflict("email_taken", "another account has that address now");
    c.q("UPDATE network.accounts SET email = pending_email, pending_email = NULL, "
        "email_verified_at = now(), updated_at = now() WHERE id = $1",
        spent.account_id);
    // Reset links went to the old address: they must not outlive the change.
    AccountTokens::revokeAll(c, spent.account_id, TokenPurpose::Reset);
    auditLog(c, spent.tenant_id, spent.account_id, "account.email_changed",
             "account:" + std::to_string(spent.account_id), nullptr, nullptr);
    return r.str(0, 1);
}

}  // namespace agora
