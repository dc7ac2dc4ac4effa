#include "accounts/AccountSessions.h"

#include <array>
#include <utility>

#include "util/Error.h"

namespace agora {

namespace {

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

bool has(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

// 20 hex digits of SHA-256 over the token hash: stable, unique in practice, and one-way, so it
// names the session without being (or revealing) the hash a cookie or token is checked against.
// Revoking by it scans only the account's own sessions (sessions_account).
std::string AccountSessions::publicIdSql(const std::string& hash_column) {
    return "substr(encode(sha256(convert_to('agora-session:' || " + hash_column +
           ", 'UTF8')), 'hex'), 1, 20)";
}

std::string AccountSessions::deviceLabel(const std::string& ua) {
    // Order matters: Edge and Chrome both claim to be Safari, Chrome on Android is Linux too.
    static const std::array<std::pair<const char*, const char*>, 6> browsers{{
        {"Edg/", "Edge"},
        {"Firefox/", "Firefox"},
        {"Chrome/", "Chrome"},
        {"Safari/", "Safari"},
        {"curl/", "curl"},
        {"HeadlessChrome", "Chrome"},
    }};
    static const std::array<std::pair<const char*, const char*>, 6> systems{{
        {"Android", "Android"},
        {"iPhone", "iOS"},
        {"iPad", "iPadOS"},
        {"Windows", "Windows"},
        {"Mac OS X", "macOS"},
        {"Linux", "Linux"},
    }};
    std::string browser, system;
    for (const auto& [needle, name] : browsers)
        if (has(ua, needle)) {
            browser = name;
            break;
        }
    for (const auto& [needle, name] : systems)
        if (has(ua, needle)) {
            system = name;
            break;
        }
    if (browser.empty() && system.empty())
        return ua.empty() ? "Unknown device" : "Other client";
    if (system.empty())
        return browser;
    return (browser.empty() ? std::string("Browser") : browser) + " on " + system;
}

nlohmann::json AccountSessions::list(db::PgConnection& c, int64_t account_id,
                                     const std::string& current_hash) {
    auto r = c.q(
        "SELECT " + publicIdSql("s.token_hash") + ", s.kind, t.id, t.name, "
        "(SELECT min(h.host) FROM network.hosts h WHERE h.tenant_id = t.id), "
        ISO("s.created_at") ", " ISO("s.last_used_at") ", " ISO("s.expires_at") ", "
        "s.user_agent, s.address, s.token_hash = $2 "
        "FROM network.sessions s JOIN network.tenants t ON t.id = s.tenant_id "
        "WHERE s.account_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now() "
        "ORDER BY s.last_used_at DESC, s.created_at DESC",
        account_id, current_hash);
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < r.rows(); ++i) {
        std::string ua = r.str(i, 8);
        items.push_back({{"id", r.str(i, 0)},
                         {"kind", r.str(i, 1)},
                         {"community",
                          {{"id", r.i64(i, 2)},
                           {"name", r.str(i, 3)},
                           {"host", r.isNull(i, 4) ? "" : r.str(i, 4)}}},
                         {"created_at", r.str(i, 5)},
                         {"last_used_at", r.str(i, 6)},
                         {"expires_at", r.str(i, 7)},
                         {"user_agent", ua},
                         {"device", deviceLabel(ua)},
                         {"address", r.str(i, 9)},
                         {"current", r.boolean(i, 10)}});
    }
    return {{"items", items}, {"total", items.size()}};
}

bool AccountSessions::revoke(db::PgConnection& c, int64_t account_id, const std::string& session_id,
                             const std::string& current_hash) {
    auto r =
        c.q("UPDATE network.sessions SET revoked_at = now() "
            "WHERE account_id = $2 AND " +
                publicIdSql("token_hash") +
                " = $1 "
                "AND revoked_at IS NULL AND expires_at > now() RETURNING token_hash = $3",
            session_id, account_id, current_hash);
    if (r.empty())
        throw Error::notFound("no such session");
    return r.boolean(0, 0);
}

int64_t AccountSessions::revokeOthers(db::PgConnection& c, int64_t account_id,
                                      const std::string& keep_hash) {
    return c
        .q("UPDATE network.sessions SET revoked_at = now() "
           "WHERE account_id = $1 AND token_hash <> $2 AND revoked_at IS NULL",
           account_id, keep_hash)
        .affected();
}

int64_t AccountSessions::revokeAll(db::PgConnection& c, int64_t account_id) {
    return c
        .q("UPDATE network.sessions SET revoked_at = now() "
           "WHERE account_id = $1 AND revoked_at IS NULL",
           account_id)
        .affected();
}

}  // namespace agora
