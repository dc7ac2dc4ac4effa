#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "accounts/AccountProfile.h"
#include "accounts/AccountService.h"
#include "accounts/AccountSessions.h"
#include "http/RequestContext.h"

namespace agora {

// What the account routes (API and pages) share: the throttled password check, the reset
// request, cookie sign-in, and reading a profile change from either a JSON body or a form.

// Where this request comes from, for the sessions list.
SessionOrigin sessionOrigin(RequestContext& ctx);
// Opens a cookie session for the account (the caller's transaction) and sets the cookie.
void startCookieSession(RequestContext& ctx, int64_t account_id);
// The throttle key for a login: the account id when it names one, else a digest of the login
// folded to lower case, so an unknown name is limited exactly like a known one.
std::string loginThrottleKey(const std::string& login,
                             const std::optional<LoginCandidate>& candidate);
// Checks the signed-in account's password for a sensitive change, counted like a failed login
// of that account (a stolen session can't guess it). 422 naming `field` when wrong, 429 when
// throttled. Outside any transaction of the caller's.
void requirePassword(RequestContext& ctx, int64_t account_id, const std::string& password,
                     const std::string& field);
// POST /api/v1/password-reset and /forgot: throttled, then the same work for any login.
void requestPasswordReset(RequestContext& ctx, const std::string& login);
// Throttles mail a member asks for to their own addresses.
void admitAccountMail(RequestContext& ctx, int64_t account_id);
// A profile change from the request (JSON fields or form fields), validated, the bio rendered.
ProfileChange profileChangeFrom(RequestContext& ctx);
// Applies it for `account_id` in one transaction (with `also`, e.g. an audit row); then drops
// this server's cached pages of the touched communities.
void applyProfileChange(RequestContext& ctx, int64_t account_id, const ProfileChange& change,
                        const std::function<void(db::PgConnection&)>& also = {});
// The signed-in member's own changes, shared by the API and the settings page. Each checks the
// cheap things first (422 naming the field), then the password (requirePassword), then writes
// in one transaction.
void resendVerification(RequestContext& ctx);
void changeOwnEmail(RequestContext& ctx, const std::string& email, const std::string& password);
// Revokes every other session and any reset link; returns how many sessions it revoked.
int64_t changeOwnPassword(RequestContext& ctx, const std::string& current, const std::string& next);
// AccountPrivacy::erase, then the cookie goes too.
void deleteOwnAccount(RequestContext& ctx, const std::string& password);
// Fields /api/v1/me adds to its account: email_verified, pending_email, profile.
nlohmann::json accountPrivateFields(db::PgConnection& c, int64_t account_id);
// AGORA_PUBLIC_URL for a host: "https://{host}" → "https://cooking.example".
std::string communityUrl(RequestContext& ctx, const std::string& host);

}  // namespace agora
