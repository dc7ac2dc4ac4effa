#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/PgConnection.h"

namespace agora::mail {

using json = nlohmann::json;

// A queued mail a sender has claimed: nobody else will pick it up until the lease ends.
struct ClaimedMail {
    int64_t id = 0;
    std::optional<int64_t> tenant_id;
    std::optional<int64_t> account_id;
    std::string to_address;
    std::string to_name;
    std::string kind;
    std::string template_name;
    json data;
    std::string unsubscribe_url;
    int attempts = 0;  // including this one
};

// The sender's side of the outbox. Each call is one autocommit statement: a claim is durable
// before any SMTP traffic, and a crash mid-batch only delays the unfinished mails until their
// lease ends.
class OutboxClaims {
public:
    // Takes up to `limit` due mails, oldest first, skipping rows another sender has locked,
    // and moves their next_attempt_at `lease` ahead in the same statement.
    static std::vector<ClaimedMail> claim(db::PgConnection& conn, int64_t limit,
                                          std::chrono::seconds lease);
    // [(id, message_id)] → sent.
    static void markSent(db::PgConnection& conn,
                         const std::vector<std::pair<int64_t, std::string>>& sent);
    // Tried again no sooner than `delay` from now.
    static void markRetry(db::PgConnection& conn, int64_t id, const std::string& error,
                          std::chrono::seconds delay);
    static void markFailed(db::PgConnection& conn, int64_t id, const std::string& error);
    // Deletes mail sent or given up more than `keep` ago (its rows hold addresses and
    // contents nobody needs once it is delivered), at most `limit` rows; returns how many.
    static int64_t prune(db::PgConnection& conn, std::chrono::hours keep, int64_t limit = 10000);
};

}  // namespace agora::mail
