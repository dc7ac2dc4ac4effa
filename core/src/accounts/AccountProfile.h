#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/PgConnection.h"

namespace agora {

// A profile change; absent fields stay as they are. The bio is Markdown: the caller renders it
// (content/Markdown sits above this layer) and passes both.
struct ProfileChange {
    std::optional<std::string> display_name;
    std::optional<std::string> bio_md;
    std::string bio_html;
    std::optional<std::string> website;
    std::optional<std::string> location;

    bool empty() const { return !display_name && !bio_md && !website && !location; }
};

// What a member says about themself, network-wide (network.accounts), shown on /users/ID in
// every community. The display name is also copied into each community's members row (what
// its pages read) when it changes.
class AccountProfile {
public:
    static constexpr size_t kDisplayNameMax = 60;
    static constexpr size_t kBioMax = 2000;
    static constexpr size_t kWebsiteMax = 200;
    static constexpr size_t kLocationMax = 100;

    // Trims and checks every field given (422 naming the first bad one). No database.
    static void normalise(ProfileChange& change);
    // Writes the change in the caller's transaction; returns the tenants whose members row
    // changed (their cached pages are stale: a pg_notify on agora_cache is queued for each).
    static std::vector<int64_t> apply(db::PgConnection& c, int64_t account_id,
                                      const ProfileChange& change);
    // {display_name, bio, bio_html, website, location, avatar_url}; null when the account is
    // gone (a deleted member).
    static nlohmann::json publicProfile(db::PgConnection& c, int64_t account_id);
};

}  // namespace agora
