#include "notifications/NotificationTypes.h"

namespace agora {

const char* mailModeName(MailMode mode) {
    switch (mode) {
        case MailMode::Immediate:
            return "immediate";
        case MailMode::Digest:
            return "digest";
        case MailMode::Off:
            break;
    }
    return "off";
}

std::optional<MailMode> parseMailMode(const std::string& name) {
    if (name == "immediate")
        return MailMode::Immediate;
    if (name == "digest")
        return MailMode::Digest;
    if (name == "off")
        return MailMode::Off;
    return std::nullopt;
}

// Defaults: what someone is waiting for (an answer, a comment on their post, a moderator
// writing to them) comes at once; news about their standing (edits reviewed, flags handled,
// abilities) waits for the daily digest.
const std::vector<NotificationType>& notificationTypes() {
    static const std::vector<NotificationType> types = {
        {"answer", "Answers to your questions", MailMode::Immediate, {kKindAnswered}},
        {"comment", "Comments on your posts", MailMode::Immediate, {kKindCommented}},
        // reviews.suggested (on your post), reviews.approved / reviews.rejected (yours).
        {"edit",
         "Suggested edits: on your posts, and decisions on yours",
         MailMode::Digest,
         {"reviews", "edit"}},
        // flag.helpful / flag.declined (your flag), flag.escalated (moderators).
        {"flag", "Outcomes of your flags", MailMode::Digest, {"flag"}},
        // ability.granted / revoked / suspended / restored.
        {"ability", "Abilities earned or changed", MailMode::Digest, {"ability"}},
        {"mod_message", "Messages from moderators", MailMode::Immediate, {"mod_message"}},
        {"other", "Everything else", MailMode::Digest, {}},
    };
    return types;
}

const NotificationType* findNotificationType(const std::string& name) {
    for (const auto& t : notificationTypes())
        if (t.name == name)
            return &t;
    return nullptr;
}

const NotificationType& notificationTypeOf(const std::string& kind) {
    const auto& types = notificationTypes();
    for (const auto& t : types)
        for (const auto& f : t.families)
            if (kind == f || (kind.size() > f.size() && kind.compare(0, f.size(), f) == 0 &&
                              kind[f.size()] == '.'))
                return t;
    return types.back();
}

}  // namespace agora
