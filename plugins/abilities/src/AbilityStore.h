#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "GrantRules.h"
#include "Sql.h"

namespace agora::abilities {

struct Member {
    int64_t id = 0;
    std::string username;
    std::string display_name;
    std::string role;

    bool isModerator() const { return role == "moderator" || role == "admin"; }
};

struct HeldGrant {
    GrantSource source = GrantSource::Auto;
    std::string granted_at;
    std::optional<int64_t> granted_by;
};

// A suspension in force (not lifted, not yet ended).
struct Suspension {
    int64_t id = 0;
    std::string ability;
    std::string since;
    std::optional<std::string> until;  // nullopt = permanent
    std::string message;
    int64_t by = 0;
};

// Who changes a grant, and whether the member hears about it.
struct Actor {
    std::optional<int64_t> member;  // nullopt = the system (an event, a re-evaluation)
    bool notify = true;
};

// Everything the plugin keeps in a tenant's schema, through one call's connection and
// transaction. Writes that change what a member holds also replace the member's stamp, in the
// same transaction, so a cached grant set can never outlive the change (see GrantCache).
class AbilityStore {
public:
    explicit AbilityStore(const Call& call) : call_(call) {}

    Config config() const;
    std::optional<Member> member(int64_t id) const;

    // Counters and, in recent:N mode, the latest N outcomes per criterion.
    MemberOutcomes outcomes(int64_t member, const Config& config) const;
    // For a page of members at once (re-evaluation).
    std::map<int64_t, MemberOutcomes> outcomes(const std::vector<int64_t>& members,
                                               const Config& config) const;
    std::map<std::string, HeldGrant> grants(int64_t member) const;
    std::vector<Suspension> suspensions(int64_t member) const;  // in force only

    // A post moved between good / neither / bad for its author (vote events).
    void postClassChanged(int64_t author, int64_t post, int before, int after);
    // An edit or flag outcome (edit.approved/rejected, flag.helpful/declined).
    void outcome(int64_t member, Criterion criterion, bool good, std::optional<int64_t> source);

    // Grants what the member now qualifies for (and, with auto_revoke, revokes automatic
    // grants they no longer do). Returns the abilities that changed.
    std::vector<std::pair<std::string, GrantChange>> evaluate(int64_t member, const Config& config,
                                                              const Actor& actor);

    // Single changes; each returns false when there was nothing to do.
    bool grant(int64_t member, const AbilityInfo& ability, GrantSource source, const Actor& actor);
    bool revoke(int64_t member, const AbilityInfo& ability, bool only_automatic,
                const Actor& actor);
    // Replaces any suspension of that ability; days 0 = permanent.
    Suspension suspend(int64_t member, const AbilityInfo& ability, int days,
                       const std::string& message, int64_t by);
    bool restore(int64_t member, const AbilityInfo& ability, int64_t by);

    void bumpStamp(int64_t member);

    // The same as grant (automatic) / revoke (automatic only) for many members at once, in a
    // handful of statements whatever their number: re-evaluating a whole tenant changes
    // thousands. Each returns the members whose grant actually changed (a concurrent event may
    // have got there first), with their stamps replaced, audit rows and notifications written.
    std::vector<int64_t> grantMany(const std::vector<int64_t>& members, const AbilityInfo& ability,
                                   const Actor& actor);
    std::vector<int64_t> revokeMany(const std::vector<int64_t>& members, const AbilityInfo& ability,
                                    const Actor& actor);

private:
    void notify(int64_t member, const std::string& kind, const std::string& text);
    void recordMany(const std::vector<int64_t>& changed, const AbilityInfo& ability, bool granted,
                    const Actor& actor);
    const Call& call_;
};

}  // namespace agora::abilities
