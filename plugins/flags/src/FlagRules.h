#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Who may see and handle which flag, and the small parsers the routes share. No host, no
// database: everything here is decided from facts the caller already read.
namespace agora::flags {

// Limits (QPixel's: a flag reason of at most 1000 characters; the same for the handler's
// message and an escalation comment).
constexpr size_t kMaxReason = 1000;
constexpr size_t kMaxMessage = 1000;

enum class Outcome { Helpful, Declined };

// GET /api/v1/flags?status=…: a status, or a view made of statuses.
enum class StatusFilter {
    All,      // no filter
    Pending,  // waiting for a handler (escalated ones included)
    Helpful,
    Declined,
    Escalated,  // pending and handed to moderators
    Handled,    // helpful or declined
};

// Who is asking, as far as flags are concerned.
struct FlagViewer {
    int64_t id = 0;
    bool moderator = false;  // moderators, admins and network staff see and handle everything
    bool curator = false;    // holds flag_curate (moderators do too)
};

// What the rules need to know about one flag.
struct FlagFacts {
    int64_t flagger_id = 0;
    int64_t target_author_id = 0;  // who wrote the flagged post or comment
    bool confidential = false;     // its type is for moderators' eyes only
    bool escalated = false;        // handed to moderators: curators no longer see it
    bool pending = true;
};

// Which view of a flag a viewer gets.
enum class FlagView {
    None,     // not visible: 404
    Flagger,  // their own flag: status, outcome and message, not who handled it
    Handler,  // moderators and curators: everything
};

FlagView viewOf(const FlagViewer& viewer, const FlagFacts& flag);

// Why a viewer may not resolve or escalate a flag they can see (nullopt: they may).
struct Refusal {
    int status;
    std::string code;
    std::string message;
};
std::optional<Refusal> handleRefusal(const FlagViewer& viewer, const FlagFacts& flag);

std::optional<StatusFilter> parseStatusFilter(std::string_view text);  // "" → All
std::optional<Outcome> parseOutcome(std::string_view text);
const char* outcomeName(Outcome o);

// Characters, not bytes: limits are what members count.
size_t utf8Length(std::string_view s);
// At most `max` characters, cut on a character boundary, with "…" when cut.
std::string excerpt(std::string_view s, size_t max);
std::string trim(std::string_view s);

// Checkbox and JSON booleans alike: "true"/"1"/"on"/"yes" or "false"/"0"/"off"/"no".
std::optional<bool> parseBool(std::string_view text);

}  // namespace agora::flags
