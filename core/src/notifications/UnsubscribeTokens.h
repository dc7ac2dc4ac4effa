#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/PgConnection.h"

namespace agora {

// Who an unsubscribe link speaks for: the account and what it stops.
struct UnsubscribeGrant {
    int64_t account_id = 0;
    std::string scope;  // a notification type, "digest" or "all"
};

// The tokens in one-click unsubscribe links (RFC 8058): random, one per mail, stored only as
// a SHA-256 hash (network.unsubscribe_tokens). The token alone is the credential, so the link
// works without signing in, from any mail client.
class UnsubscribeTokens {
public:
    // New tokens for (account, scope) pairs, written in one statement on the caller's
    // transaction; returns the raw tokens in the same order.
    static std::vector<std::string> issue(db::PgConnection& conn,
                                          const std::vector<UnsubscribeGrant>& grants);
    // nullopt for a token that was never issued (or whose account is gone).
    static std::optional<UnsubscribeGrant> find(db::PgConnection& conn, const std::string& token);
    // Forgets tokens older than `days`: links in mail that old stop working. Returns how many.
    static int64_t prune(db::PgConnection& conn, int days);
    // Whether `token` could be one of ours at all (checked before any query).
    static bool wellFormed(const std::string& token);
    // The absolute link: `public_url` with {host} replaced by `host`, then /unsubscribe/TOKEN.
    static std::string url(const std::string& public_url, const std::string& host,
                           const std::string& token);
};

// AGORA_PUBLIC_URL with "{host}" replaced: how members reach the community at `host`.
std::string communityBaseUrl(const std::string& public_url, const std::string& host);

}  // namespace agora
