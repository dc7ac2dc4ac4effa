#include "web/AccountSupport.h"

#include <algorithm>
#include <cctype>

#include "accounts/AccountPrivacy.h"
#include "accounts/AccountTokens.h"
#include "accounts/AuthThrottle.h"
#include "accounts/EmailVerification.h"
#include "accounts/PasswordReset.h"
#include "content/Markdown.h"
#include "tenancy/AuditLog.h"
#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

namespace {

constexpr int kSessionSeconds = 30 * 86400;

// A field that may be absent or null (unchanged), else must be a string.
std::optional<std::string> optionalInput(RequestContext& ctx, const std::string& name) {
    if (ctx.isForm()) {
        const auto& f = ctx.form();
        auto it = f.find(name);
        if (it == f.end())
            return std::nullopt;
        return it->second;
    }
    const auto& b = ctx.body();
    if (!b.is_object())
        throw Error::badRequest("the body must be a JSON object");
    auto it = b.find(name);
    if (it == b.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        throw Error::invalid(name, name + " must be a string");
    return it->get<std::string>();
}

}  // namespace

SessionOrigin sessionOrigin(RequestContext& ctx) {
    return {ctx.req().header("user-agent"), ctx.req().remote};
}

void startCookieSession(RequestContext& ctx, int64_t account_id) {
    auto s = AccountService::createSession(ctx.db(), ctx.tenant(), account_id, AuthKind::Cookie,
                                           sessionOrigin(ctx));
    ctx.setCookie("agora_session", s.token, kSessionSeconds);
}

std::string loginThrottleKey(const std::string& login,
                             const std::optional<LoginCandidate>& candidate) {
    if (candidate)
        return std::to_string(candidate->account_id);
    std::string folded = login;
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    return "name:" + crypto::sha256Hex(folded).substr(0, 32);
}

void requirePassword(RequestContext& ctx, int64_t account_id, const std::string& password,
                     const std::string& field) {
    auto& c = ctx.db();
    auto& throttle = ctx.services().authThrottle();
    auto ticket = throttle.admitLogin(c, ctx.req().remote, std::to_string(account_id));
    bool ok = false;
    try {
        ok = AccountService::passwordMatches(c, account_id, password);
    } catch (...) {
        throttle.release(ticket);
        throw;
    }
    if (ok) {
        throttle.release(ticket);
        return;
    }
    throttle.keep(c, ticket);
    throw Error::invalid(field, "that password is not correct");
}

void requestPasswordReset(RequestContext& ctx, const std::string& login) {
    auto& c = ctx.db();
    auto& throttle = ctx.services().authThrottle();
    auto candidate = AccountService::findLogin(c, login);
    auto ticket = throttle.admitReset(c, ctx.req().remote, loginThrottleKey(login, candidate));
    throttle.keep(c, ticket);
    db::Transaction tx(c);
    PasswordReset::request(c, ctx.tenant(), candidate);
    tx.commit();
}

void admitAccountMail(RequestContext& ctx, int64_t account_id) {
    auto& throttle = ctx.services().authThrottle();
    throttle.keep(ctx.db(), throttle.admitAccountMail(ctx.db(), account_id));
}

ProfileChange profileChangeFrom(RequestContext& ctx) {
    ProfileChange ch;
    ch.display_name = optionalInput(ctx, "display_name");
    ch.bio_md = optionalInput(ctx, "bio");
    ch.website = optionalInput(ctx, "website");
    ch.location = optionalInput(ctx, "location");
    AccountProfile::normalise(ch);
    // Rendered once on write, like a post: safe mode, no raw HTML, bounded work.
    if (ch.bio_md)
        ch.bio_html = ch.bio_md->empty() ? "" : renderMarkdown(*ch.bio_md, "bio");
    return ch;
}

void applyProfileChange(RequestContext& ctx, int64_t account_id, const ProfileChange& change,
                        const std::function<void(db::PgConnection&)>& also) {
    auto& c = ctx.db();
    db::Transaction tx(c);
    auto touched = AccountProfile::apply(c, account_id, change);
    if (also)
        also(c);
    tx.commit();
    for (int64_t tenant_id : touched)
        ctx.services().pageCache().invalidateTenant(tenant_id);
}

void resendVerification(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    auto& c = ctx.db();
    admitAccountMail(ctx, v.account_id);
    db::Transaction tx(c);
    EmailVerification::sendForCurrent(c, ctx.tenant(), v.account_id);
    tx.commit();
}

void changeOwnEmail(RequestContext& ctx, const std::string& email, const std::string& password) {
    const auto& v = ctx.requireViewer();
    EmailVerification::checkAddress(email, "email");
    requirePassword(ctx, v.account_id, password, "password");
    admitAccountMail(ctx, v.account_id);
    auto& c = ctx.db();
    db::Transaction tx(c);
    EmailVerification::requestChange(c, ctx.tenant(), v.account_id, email);
    tx.commit();
}

int64_t changeOwnPassword(RequestContext& ctx, const std::string& current,
                          const std::string& next) {
    const auto& v = ctx.requireViewer();
    PasswordReset::checkPassword(next, "new_password");
    requirePassword(ctx, v.account_id, current, "current_password");
    std::string hash = crypto::hashPassword(next);
    auto& c = ctx.db();
    db::Transaction tx(c);
    c.q("UPDATE network.accounts SET password_hash = $2, updated_at = now() WHERE id = $1",
        v.account_id, hash);
    int64_t revoked = AccountSessions::revokeOthers(c, v.account_id, v.session_hash);
    AccountTokens::revokeAll(c, v.account_id, TokenPurpose::Reset);
    auditLog(c, ctx.tenant().id, v.account_id, "account.password_changed",
             "account:" + std::to_string(v.account_id), nullptr, nullptr);
    tx.commit();
    return revoked;
}

void deleteOwnAccount(RequestContext& ctx, const std::string& password) {
    const auto& v = ctx.requireViewer();
    int64_t id = v.account_id;
    requirePassword(ctx, id, password, "password");
    auto& c = ctx.db();
    db::Transaction tx(c);
    auto touched = AccountPrivacy::erase(c, id, ctx.tenant().id);
    tx.commit();
    for (int64_t tenant_id : touched)
        ctx.services().pageCache().invalidateTenant(tenant_id);
    if (v.auth == AuthKind::Cookie)
        ctx.setCookie("agora_session", "", 0);
}

nlohmann::json accountPrivateFields(db::PgConnection& c, int64_t account_id) {
    auto r = c.q(
        "SELECT email_verified_at IS NOT NULL, pending_email FROM network.accounts WHERE id = $1",
        account_id);
    if (r.empty())
        return nlohmann::json::object();
    return {
        {"email_verified", r.boolean(0, 0)},
        {"pending_email", r.isNull(0, 1) ? nlohmann::json(nullptr) : nlohmann::json(r.str(0, 1))},
        {"profile", AccountProfile::publicProfile(c, account_id)}};
}

std::string communityUrl(RequestContext& ctx, const std::string& host) {
    std::string url = ctx.services().config().public_url;
    auto at = url.find("{host}");
    if (at != std::string::npos)
        url.replace(at, 6, host);
    return url;
}

}  // namespace agora
