#pragma once

#include <optional>
#include <string>

#include "accounts/AccountSessions.h"
#include "accounts/Viewer.h"
#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

struct NewAccount {
    std::string username;
    std::string email;
    std::string password;
    std::string display_name;
};

// The account a login (username or email) names, with its password hash.
struct LoginCandidate {
    int64_t account_id = 0;
    std::string password_hash;
};

struct IssuedSession {
    std::string token;  // the secret; only its hash is stored
    int64_t account_id;
};

// Network-wide accounts, per-tenant memberships and sessions. Every function runs on the
// caller's connection so it joins the caller's transaction.
class AccountService {
public:
    // Validates (422 naming the field) and creates; 409 if the username or email is taken.
    static int64_t createAccount(db::PgConnection& c, const NewAccount& a, bool is_staff = false);
    // Same answer (nullopt) for an unknown login and a wrong password, in the same time.
    static std::optional<int64_t> authenticate(db::PgConnection& c, const std::string& login,
                                               const std::string& password);
    // authenticate() in two halves, so a throttle can sit between the look-up (cheap) and the
    // Argon2id verify (what it protects). verify() costs one Argon2id either way.
    static std::optional<LoginCandidate> findLogin(db::PgConnection& c, const std::string& login);
    static std::optional<int64_t> verify(const std::optional<LoginCandidate>& candidate,
                                         const std::string& password);
    // Makes the account a member of the tenant (idempotent). `c` must point at the tenant.
    static void ensureMembership(db::PgConnection& c, const Tenant& tenant, int64_t account_id);
    static IssuedSession createSession(db::PgConnection& c, const Tenant& tenant,
                                       int64_t account_id, AuthKind kind,
                                       const SessionOrigin& origin = {});
    // Looks a session/token up on this tenant; anonymous Viewer when invalid or revoked. Marks
    // it used when its last use is older than AccountSessions::kTouchSeconds.
    static Viewer resolve(db::PgConnection& c, const Tenant& tenant, const std::string& token,
                          AuthKind kind);
    static void revoke(db::PgConnection& c, const std::string& token_hash);
    // One Argon2id verify of `password` against the account's hash (false for no account).
    static bool passwordMatches(db::PgConnection& c, int64_t account_id,
                                const std::string& password);
    static std::string hashToken(const std::string& token);
};

}  // namespace agora
