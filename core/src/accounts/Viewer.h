#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agora {

// A member's role in one community; network staff count as admins everywhere.
enum class Role { Member, Moderator, Admin };
// How the viewer proved who they are: a session cookie (forms need a CSRF token), a bearer
// token (API clients), or a command run by the operator.
enum class AuthKind { None, Cookie, Bearer, Cli };

// The names stored in members.role and shown in the API.
const char* roleName(Role role);
std::optional<Role> parseRole(std::string_view name);
// The names stored in network.sessions.kind.
const char* authName(AuthKind kind);

// Who is making this request, as this tenant sees them.
struct Viewer {
    int64_t account_id = 0;  // 0 = anonymous
    std::string username;
    std::string display_name;
    Role role = Role::Member;  // in this tenant
    bool is_staff = false;     // network staff
    AuthKind auth = AuthKind::None;
    std::string session_hash;          // hash of the session secret (CSRF key material)
    int64_t unread_notifications = 0;  // as the request began; capped at 100
    // Ability answers already computed during this request (a page asks for the same few
    // abilities once per post). Granted flag + reason. Lives and dies with the request.
    mutable std::map<std::string, std::pair<bool, std::string>> ability_memo;

    bool signedIn() const { return account_id != 0; }
    bool isAdmin() const { return role == Role::Admin || is_staff; }
    bool isModerator() const { return role == Role::Moderator || isAdmin(); }
};

}  // namespace agora
