#include "AbilityCatalog.h"

namespace agora::abilities {

const char* criterionName(Criterion c) {
    switch (c) {
        case Criterion::Post:
            return "post";
        case Criterion::Edit:
            return "edit";
        case Criterion::Flag:
            return "flag";
    }
    return "post";
}

std::optional<Criterion> criterionFromName(const std::string& name) {
    for (auto c : kCriteria)
        if (name == criterionName(c))
            return c;
    return std::nullopt;
}

std::optional<double> Thresholds::get(Criterion c) const {
    switch (c) {
        case Criterion::Post:
            return post;
        case Criterion::Edit:
            return edit;
        case Criterion::Flag:
            return flag;
    }
    return std::nullopt;
}

void Thresholds::set(Criterion c, std::optional<double> value) {
    switch (c) {
        case Criterion::Post:
            post = value;
            break;
        case Criterion::Edit:
            edit = value;
            break;
        case Criterion::Flag:
            flag = value;
            break;
    }
}

const std::vector<AbilityInfo>& catalog() {
    // Built on first use, not at load: the plugin has no static initialisers.
    static const std::vector<AbilityInfo> abilities = {
        {"everyone",
         "Participate",
         "Ask, answer, comment and vote. Every member holds it.",
         {},
         true},
        {"unrestricted",
         "Participate Everywhere",
         "The new-member rate limits no longer apply.",
         {0.75, std::nullopt, std::nullopt}},
        {"edit_posts",
         "Edit Posts",
         "Edit anyone's posts directly, and review suggested edits.",
         {std::nullopt, 0.95, std::nullopt}},
        {"edit_tags", "Edit Tags", "Edit tags and tag wikis.", {std::nullopt, 0.975, std::nullopt}},
        {"flag_close", "Vote on Holds", "Close and reopen questions.", {0.9, std::nullopt, 0.95}},
        {"flag_curate",
         "Curate",
         "Delete and undelete posts, lock them, and handle flags.",
         {0.9, std::nullopt, 0.99}},
        {"mod", "Moderator", "Moderator tools. Only ever granted by hand.", {}},
    };
    return abilities;
}

const AbilityInfo* findAbility(const std::string& id) {
    for (const auto& a : catalog())
        if (a.id == id)
            return &a;
    return nullptr;
}

}  // namespace agora::abilities
