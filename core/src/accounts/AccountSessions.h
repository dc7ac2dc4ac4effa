#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "db/PgConnection.h"

namespace agora {

// Where a session was opened from, as the member will see it in their list.
struct SessionOrigin {
    std::string user_agent;
    std::string address;
};

// A member's view of their own sessions and bearer tokens, network-wide: every community's,
// since the account is one. A session is named by a public id derived one-way from the hash of
// its secret, never by that hash (which is what a cookie or token is checked against).
class AccountSessions {
public:
    // last_used_at is refreshed when a session is used and the stored value is older than this:
    // one UPDATE per session every few minutes instead of one per request.
    static constexpr int kTouchSeconds = 300;

    // Live sessions, newest use first: {id, kind, community {id, name, host}, created_at,
    // last_used_at, expires_at, user_agent, device, address, current}.
    static nlohmann::json list(db::PgConnection& c, int64_t account_id,
                               const std::string& current_hash);
    // 404 when the id is not a live session of this account. True when it was the one whose
    // hash is `current_hash` (the caller's own).
    static bool revoke(db::PgConnection& c, int64_t account_id, const std::string& session_id,
                       const std::string& current_hash);
    // Every live session but the one whose hash is `keep_hash`; returns how many.
    static int64_t revokeOthers(db::PgConnection& c, int64_t account_id,
                                const std::string& keep_hash);
    static int64_t revokeAll(db::PgConnection& c, int64_t account_id);
    // The SQL expression of a session's public id over the column holding its token hash.
    static std::string publicIdSql(const std::string& hash_column);
    // "Firefox on Linux" from a User-Agent; "Unknown device" when nothing matches.
    static std::string deviceLabel(const std::string& user_agent);
};

}  // namespace agora
