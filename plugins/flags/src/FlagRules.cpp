#include "FlagRules.h"

namespace agora::flags {

FlagView viewOf(const FlagViewer& viewer, const FlagFacts& flag) {
    if (viewer.id == 0)
        return FlagView::None;
    if (viewer.moderator)
        return FlagView::Handler;
    // A curator's own flag is shown to them as its flagger: nobody reviews their own flags.
    if (flag.flagger_id == viewer.id)
        return FlagView::Flagger;
    // Curators never judge flags on what they wrote themselves, nor learn who flagged it.
    if (viewer.curator && !flag.confidential && !flag.escalated &&
        flag.target_author_id != viewer.id)
        return FlagView::Handler;
    return FlagView::None;
}

std::optional<Refusal> handleRefusal(const FlagViewer& viewer, const FlagFacts& flag) {
    if (!viewer.moderator && !viewer.curator)
        return Refusal{403, "ability_required:flag_curate",
                       "handling flags needs the flag_curate ability"};
    if (flag.flagger_id == viewer.id && !viewer.moderator)
        return Refusal{403, "own_flag", "you can't handle your own flag"};
    if (!viewer.moderator && (flag.confidential || flag.escalated))
        return Refusal{403, "moderator_required", "only moderators handle this flag"};
    if (!viewer.moderator && flag.target_author_id == viewer.id)
        return Refusal{403, "own_content", "flags on your own posts are handled by others"};
    return std::nullopt;
}

std::optional<StatusFilter> parseStatusFilter(std::string_view text) {
    if (text.empty() || text == "all")
        return StatusFilter::All;
    if (text == "pending")
        return StatusFilter::Pending;
    if (text == "helpful")
        return StatusFilter::Helpful;
    if (text == "declined")
        return StatusFilter::Declined;
    if (text == "escalated")
        return StatusFilter::Escalated;
    if (text == "handled")
        return StatusFilter::Handled;
    return std::nullopt;
}

std::optional<Outcome> parseOutcome(std::string_view text) {
    if (text == "helpful")
        return Outcome::Helpful;
    if (text == "declined")
        return Outcome::Declined;
    return std::nullopt;
}

const char* outcomeName(Outcome o) {
    return o == Outcome::Helpful ? "helpful" : "declined";
}

size_t utf8Length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

std::string excerpt(std::string_view s, size_t max) {
    size_t chars = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (chars == max)
                return trim(s.substr(0, i)) + "…";
            ++chars;
        }
    }
    return std::string(s);
}

std::string trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto first = s.find_first_not_of(ws);
    if (first == std::string_view::npos)
        return "";
    auto last = s.find_last_not_of(ws);
    return std::string(s.substr(first, last - first + 1));
}

std::optional<bool> parseBool(std::string_view text) {
    if (text == "true" || text == "1" || text == "on" || text == "yes")
        return true;
    if (text == "false" || text == "0" || text == "off" || text == "no" || text.empty())
        return false;
    return std::nullopt;
}

}  // namespace agora::flags
