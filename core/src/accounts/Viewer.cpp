#include "accounts/Viewer.h"

namespace agora {

const char* roleName(Role role) {
    switch (role) {
        case Role::Admin:
            return "admin";
        case Role::Moderator:
            return "moderator";
        case Role::Member:
            break;
    }
    return "member";
}

std::optional<Role> parseRole(std::string_view name) {
    if (name == "admin")
        return Role::Admin;
    if (name == "moderator")
        return Role::Moderator;
    if (name == "member")
        return Role::Member;
    return std::nullopt;
}

const char* authName(AuthKind kind) {
    switch (kind) {
        case AuthKind::Cookie:
            return "cookie";
        case AuthKind::Bearer:
            return "bearer";
        case AuthKind::Cli:
            return "cli";
        case AuthKind::None:
            break;
    }
    return "";
}

}  // namespace agora
