#pragma once

#include <optional>
#include <string>
#include <vector>

#include "FlagRules.h"
#include "FlagTypeStore.h"

namespace agora::flags {

// A post or comment that can be flagged: visible (not deleted, nor on a deleted post) in the
// call's tenant.
struct Target {
    TargetKind kind = TargetKind::Post;
    int64_t id = 0;
    int64_t post_id = 0;      // the post itself, or the post the comment is on
    int64_t question_id = 0;  // the question page that shows it
    int64_t author_id = 0;
    std::string title;  // the question's title
    std::string text;   // the post's or comment's Markdown (a prefix of it)

    // Where it is shown: the question page, at the post or comment.
    std::string link() const;
    const char* kindName() const { return kind == TargetKind::Post ? "post" : "comment"; }
};

// What resolve and escalate lock and judge.
struct LockedFlag {
    int64_t id = 0;
    FlagFacts facts;
};

// Counts per status (QPixel #1455: flags a member raised and flags they received).
struct StatusCounts {
    int64_t pending = 0, helpful = 0, declined = 0;
    json toJson() const {
        return {{"pending", pending}, {"helpful", helpful}, {"declined", declined}};
    }
};

// Which flags a list shows, beside the status filter.
enum class ListScope {
    Everything,  // moderators
    Curated,     // flag_curate holders: non-confidential, not escalated, not their own
    Own,         // the viewer's own flags (or, for moderators, one member's: flags raised)
    ReceivedBy,  // flags on one member's posts and comments (moderators)
};

// The flags table and the core tables flags point at. Every method runs on the call's
// connection, inside whatever transaction is open.
class FlagStore {
public:
    explicit FlagStore(const Call& call) : call_(call) {}

    std::optional<Target> target(TargetKind kind, int64_t id) const;

    // Serialises one member's flagging, so the rate-limit count and the insert that follows
    // it can't interleave with another of their requests (until the transaction ends).
    void lockMember(int64_t member_id) const;
    int64_t flagsInLastDay(int64_t member_id) const;
    // The new flag's id, or nullopt when the member already has a pending flag there (the
    // partial unique indexes decide; ON CONFLICT keeps the transaction usable).
    std::optional<int64_t> insert(int64_t type_id, int64_t flagger_id, const Target& target,
                                  const std::string& reason) const;
    std::optional<int64_t> pendingFlagId(int64_t flagger_id, const Target& target) const;

    // One flag as a row of the view SELECT (see FlagStore.cpp), or null.
    json row(int64_t id) const;
    // SELECT … FOR UPDATE: later resolvers wait, then see the first one's outcome.
    std::optional<LockedFlag> lock(int64_t id) const;
    void resolve(int64_t id, Outcome outcome, int64_t handler_id, const std::string& message) const;
    void escalate(int64_t id, int64_t by, const std::string& comment) const;

    // A page of rows and the total. `member_id` is the viewer, or the member whose flags
    // raised or received a moderator looks at.
    json list(ListScope scope, int64_t member_id, StatusFilter filter, int64_t page,
              int64_t per_page, int64_t& total) const;
    int64_t pendingCount() const;

    StatusCounts raisedBy(int64_t member_id) const;
    StatusCounts receivedBy(int64_t member_id) const;
    // Members with the most flags raised plus received, with both counts.
    json busiestMembers(int64_t limit) const;
    // Moderators and admins of the tenant (escalations go to them).
    std::vector<int64_t> moderators() const;

private:
    const Call& call_;
};

}  // namespace agora::flags
