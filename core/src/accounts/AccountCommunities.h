#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "db/PgConnection.h"

namespace agora {

// The communities an account belongs to, for /network/me: each one's id, slug, name, primary
// host, the member's role there and their unread notifications (capped at 100, as the header's
// badge). Staging copies are left out: they are not communities anyone joined.
class AccountCommunities {
public:
    static nlohmann::json list(db::PgConnection& c, int64_t account_id);
};

}  // namespace agora
