#pragma once

#include <optional>
#include <string>
#include <vector>

namespace agora {

// How an account wants one type of notification mailed.
enum class MailMode { Immediate, Digest, Off };
const char* mailModeName(MailMode mode);
std::optional<MailMode> parseMailMode(const std::string& name);

// One type of notification a member can choose mail for. A notification's `kind` (what core
// and plugins store: "post.answered", "reviews.approved", "flag.helpful"…) belongs to the type
// that lists it or its family: "flag" covers "flag" and every "flag.*".
struct NotificationType {
    std::string name;   // the key in /api/v1/me/notification-settings
    std::string label;  // what the settings page and the mails call it
    MailMode default_mode;
    std::vector<std::string> families;
};

// The one registry of notification types, in the order the settings page shows them. The last
// one, "other", takes every kind no other type claims (a plugin's own, for instance).
const std::vector<NotificationType>& notificationTypes();
const NotificationType* findNotificationType(const std::string& name);
// The type a stored kind belongs to ("other" when none claims it).
const NotificationType& notificationTypeOf(const std::string& kind);

// The kinds core itself stores (plugins name their own).
inline constexpr const char* kKindAnswered = "post.answered";
inline constexpr const char* kKindCommented = "post.commented";

}  // namespace agora
