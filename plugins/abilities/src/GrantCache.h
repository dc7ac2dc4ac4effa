#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "Sql.h"

namespace agora::abilities {

// What the permission check needs about one member: the abilities they hold and the
// suspensions not yet lifted (with their end, compared with the clock on every use).
struct GrantState {
    std::string stamp;  // "-" for a member who never had a grant or a suspension
    std::set<std::string> grants;
    struct Suspended {
        std::string ability;
        std::optional<int64_t> until;  // epoch seconds; nullopt = permanent
        std::string until_text;
        std::string message;
    };
    std::vector<Suspended> suspensions;

    // The suspension of `ability` in force at `now` (epoch seconds), if any.
    const Suspended* suspension(const std::string& ability, int64_t now) const;
};

// The grant set per (tenant, member), cached in Redis, that can never be served after a
// revocation or suspension has committed.
//
// Why it cannot: PostgreSQL holds the truth and a per-member stamp (ability_stamps) that every
// change to a member's grants or suspensions replaces with a fresh random UUID in the same
// transaction. A cached entry records the stamp it was read with, and the grants and the
// stamp come from one statement (one snapshot), so an entry always describes exactly the
// state its stamp names. A read uses an entry only if its stamp equals the stamp PostgreSQL
// holds now. Once a suspension commits, every later read sees the new stamp, so no entry
// written before — even one a slow reader stores after the commit — can match it: there is no
// window between "commit" and "invalidate" to get wrong, and nothing depends on a DEL reaching
// Redis. Random stamps (not counters) also stay safe when a tenant is restored from a backup:
// an old stamp brings back exactly the state it named.
//
// Cost: a hit is one primary-key lookup of the stamp plus one Redis round trip (MGET of the
// entry and the tenant generation); a miss or a stale entry is one PostgreSQL statement that
// reads grants, suspensions and stamp together, then a SET. With Redis down every read is that
// one statement: slower, never wrong.
//
// Keys (hash tag {slug}, so one tenant's keys share a Redis Cluster slot):
//   ab:{slug}:MEMBER   the entry: {"stamp", "gen", "grants", "suspensions"}
//   abv:{slug}         the tenant's generation; INCR drops every entry of the tenant at once
//                      (the plugin does after re-evaluating everyone, and on enable).
class GrantCache {
public:
    GrantCache(const Call& call, std::string slug) : call_(call), slug_(std::move(slug)) {}

    GrantState load(int64_t member) const;
    // Drops every cached entry of the tenant (best effort: correctness never depends on it).
    void flushTenant() const;

    std::string entryKey(int64_t member) const;
    std::string generationKey() const;

private:
    GrantState fromDatabase(int64_t member) const;
    const Call& call_;
    std::string slug_;
};

}  // namespace agora::abilities
