#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace agora {

// Who is making this request, as this tenant sees them.
struct Viewer {
    int64_t account_id = 0;  // 0 = anonymous
    std::string username;
    std::string display_name;
    std::string role = "member";       // member | moderator | admin (this tenant)
    bool is_staff = false;             // network staff
    std::string auth;                  // "", "cookie" or "bearer"
    std::string session_hash;          // hash of the session secret (CSRF key material)
    int64_t unread_notifications = 0;  // as the request began; capped at 100
    // Ability answers already computed during this request (a page asks for the same few
    // abilities once per post). Granted flag + reason. Lives and dies with the request.
    mutable std::map<std::string, std::pair<bool, std::string>> ability_memo;

    bool signedIn() const { return account_id != 0; }
    bool isAdmin() const { return role == "admin" || is_staff; }
    bool isModerator() const { return role == "moderator" || isAdmin(); }
};

}  // namespace agora
