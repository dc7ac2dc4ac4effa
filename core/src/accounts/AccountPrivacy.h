#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "db/PgConnection.h"

namespace agora {

// What the network holds about one account, handed over (export) or taken away (erase).
class AccountPrivacy {
public:
    // Every personal datum of the account on the whole network, as JSON: the account (no
    // password hash), memberships, sessions (no token hashes), mail sent or queued to it (no
    // bodies: those held links), its notification mail choices, audit entries it caused, and per
    // community its member row, posts, revisions, votes, comments, notifications, and the flags and
    // suggested edits of those plugins' tables where they exist. Staging copies are left out (they
    // are copies).
    static nlohmann::json exportData(db::PgConnection& c, int64_t account_id);

    // Removes the account, in the caller's transaction, so login fails from then on:
    //  - network: the account row goes, and with it (ON DELETE CASCADE) its email, names,
    //    profile, password hash, sessions, bearer tokens, reset/verify links, memberships and
    //    queued mail; mail rows addressed to it are deleted too;
    //  - every community it belonged to (and their staging copies): its members row stays —
    //    posts, comments and revisions reference it — but is renamed "deleted member" with a
    //    username no account can take ("deleted:ID"); its notifications are deleted; its votes
    //    are deleted. Post scores are counters on the posts (up_votes, down_votes, score), so
    //    deleting the vote rows removes who voted without changing any score;
    //  - one audit row, "account.deleted", naming only the number.
    // Returns the communities touched (their cached pages are stale; pg_notify is queued).
    static std::vector<int64_t> erase(db::PgConnection& c, int64_t account_id,
                                      std::optional<int64_t> tenant_id);

    static constexpr const char* kDeletedName = "deleted member";
};

}  // namespace agora
