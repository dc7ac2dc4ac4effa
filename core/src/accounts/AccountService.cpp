#include "accounts/AccountService.h"

#include <regex>

#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

namespace {

// At most `bytes` bytes, never cutting a UTF-8 sequence in half.
std::string clip(const std::string& s, size_t bytes) {
    if (s.size() <= bytes)
        return s;
    size_t n = bytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n);
}

}  // namespace

int64_t AccountService::createAccount(db::PgConnection& c, const NewAccount& a, bool is_staff) {
    static const std::regex user_re("^[A-Za-z0-9_.-]{3,30}$");
    static const std::regex email_re("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    if (!std::regex_match(a.username, user_re))
        throw Error::invalid("username",
                             "username must be 3-30 letters, digits, dots, dashes or underscores");
    if (a.email.size() > 254 || !std::regex_match(a.email, email_re))
        throw Error::invalid("email", "email address is not valid");
    if (a.password.size() < 8)
        throw Error::invalid("password", "password must be 8+ characters");
    if (a.password.size() > 1024)
        throw Error::invalid("password", "password is too long");
    std::string display = a.display_name.empty() ? a.username : a.display_name;
    if (display.size() > 60)
        throw Error::invalid("display_name", "display name is too long");
    if (!c.q("SELECT 1 FROM network.accounts WHERE lower(username) = lower($1)", a.username)
             .empty())
        throw Error::conflict("username_taken", "that username is taken");
    if (!c.q("SELECT 1 FROM network.accounts WHERE lower(email) = lower($1)", a.email).empty())
        throw Error::conflict("email_taken", "an account with that email exists");
    try {
        auto r =
            c.q("INSERT INTO network.accounts (username, email, password_hash, display_name, "
                "is_staff) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                a.username, a.email, crypto::hashPassword(a.password), display, is_staff);
        return r.i64(0, 0);
    } catch (const db::PgError& e) {
        // Lost a race with a concurrent signup of the same name.
        if (e.uniqueViolation())
            throw Error::conflict("username_taken", "that username is taken");
        throw;
    }
}

std::optional<int64_t> AccountService::authenticate(db::PgConnection& c, const std::string& login,
                                                    const std::string& password) {
    return verify(findLogin(c, login), password);
}

std::optional<LoginCandidate> AccountService::findLogin(db::PgConnection& c,
                                                        const std::string& login) {
    auto r =
        c.q("SELECT id, password_hash FROM network.accounts "
            "WHERE lower(username) = lower($1) OR lower(email) = lower($1) LIMIT 1",
            login);
    if (r.empty())
        return std::nullopt;
    return LoginCandidate{r.i64(0, 0), r.str(0, 1)};
}

std::optional<int64_t> AccountService::verify(const std::optional<LoginCandidate>& candidate,
                                              const std::string& password) {
    if (!candidate) {
        crypto::dummyVerify(password);
        return std::nullopt;
    }
    if (!crypto::verifyPassword(candidate->password_hash, password))
        return std::nullopt;
    return candidate->account_id;
}

void AccountService::ensureMembership(db::PgConnection& c, const Tenant& tenant,
                                      int64_t account_id) {
    auto ins =
        c.q("INSERT INTO network.memberships (account_id, tenant_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            account_id, tenant.id);
    if (ins.affected() == 0)
        return;
    c.q("INSERT INTO members (id, username, display_name) "
        "SELECT id, username, display_name FROM network.accounts WHERE id = $1 "
        "ON CONFLICT (id) DO NOTHING",
        account_id);
}

std::string AccountService::hashToken(const std::string& token) {
    return crypto::sha256Hex(token);
}

IssuedSession AccountService::createSession(db::PgConnection& c, const Tenant& tenant,
                                            int64_t account_id, AuthKind kind,
                                            const SessionOrigin& origin) {
    IssuedSession s{crypto::randomToken(32), account_id};
    c.q("INSERT INTO network.sessions (token_hash, account_id, tenant_id, kind, expires_at, "
        "user_agent, address) VALUES ($1, $2, $3, $4, now() + interval '30 days', $5, $6)",
        hashToken(s.token), account_id, tenant.id, std::string(authName(kind)),
        clip(origin.user_agent, 300), clip(origin.address, 64));
    return s;
}

Viewer AccountService::resolve(db::PgConnection& c, const Tenant& tenant, const std::string& token,
                               AuthKind kind) {
    Viewer v;
    if (token.empty() || token.size() > 200)
        return v;
    std::string hash = hashToken(token);
    // tenant_id in the WHERE clause is what makes a token from tenant A worthless on B.
    auto r =
        c.q("SELECT a.id, a.username, a.display_name, a.is_staff, coalesce(m.role, 'member'), "
            // The header's unread count rides along (capped: "99+" needs no exact figure).
            "  (SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE n.member_id = a.id "
            "   AND n.read_at IS NULL LIMIT 100) u), "
            "  s.last_used_at < now() - make_interval(secs => $4) "
            "FROM network.sessions s JOIN network.accounts a ON a.id = s.account_id "
            "LEFT JOIN members m ON m.id = a.id "
            "WHERE s.token_hash = $1 AND s.tenant_id = $2 AND s.kind = $3 "
            "  AND s.revoked_at IS NULL AND s.expires_at > now()",
            hash, tenant.id, std::string(authName(kind)), AccountSessions::kTouchSeconds);
    if (r.empty())
        return v;
    if (r.boolean(0, 6))
        c.q("UPDATE network.sessions SET last_used_at = now() WHERE token_hash = $1", hash);
    v.account_id = r.i64(0, 0);
    v.username = r.str(0, 1);
    v.display_name = r.str(0, 2);
    v.is_staff = r.boolean(0, 3);
    v.role = parseRole(r.str(0, 4)).value_or(Role::Member);
    v.unread_notifications = r.i64(0, 5);
    v.auth = kind;
    v.session_hash = hash;
    return v;
}

void AccountService::revoke(db::PgConnection& c, const std::string& token_hash) {
    c.q("UPDATE network.sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS "
        "NULL",
        token_hash);
}

bool AccountService::passwordMatches(db::PgConnection& c, int64_t account_id,
                                     const std::string& password) {
    auto r = c.q("SELECT password_hash FROM network.accounts WHERE id = $1", account_id);
    std::optional<LoginCandidate> candidate;
    if (!r.empty())
        candidate = LoginCandidate{account_id, r.str(0, 0)};
    return verify(candidate, password).has_value();
}

}  // namespace agora
