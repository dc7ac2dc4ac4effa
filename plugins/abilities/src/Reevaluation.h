#pragma once

#include <string>
#include <vector>

#include "AbilityStore.h"

namespace agora::abilities {

struct ReevaluationResult {
    int64_t evaluated = 0;
    int64_t gain = 0;
    int64_t lose = 0;
    json sample = json::array();  // up to kSampleSize members: {id, username, change}
};

// Every member of the tenant judged against `config`, a page of members at a time. A preview
// only counts; an apply writes each page in its own transaction (so a big tenant never holds
// one long transaction) and, for what it grants or revokes, notifies the member, replaces
// their stamp and writes the audit row — the same code path as a single event's evaluation.
class Reevaluation {
public:
    static constexpr int kPageSize = 500;
    static constexpr size_t kSampleSize = 20;

    Reevaluation(const Call& call, Config config) : call_(call), config_(std::move(config)) {}

    // Only `abilities` (ids) are judged; empty = all of them.
    ReevaluationResult preview(const std::vector<std::string>& abilities) const;
    // `own_transactions`: false when the caller's transaction already covers everything
    // (the enable hook).
    ReevaluationResult apply(const std::vector<std::string>& abilities, bool own_transactions,
                             const Actor& actor) const;
    // One ability's re-evaluation recorded in ability_reevaluations (see ReevaluationJob.h):
    // judges members after `after` and moves the row on with each page's commit, deleting it
    // with the last. A failure leaves the row at the last committed page.
    ReevaluationResult applyRecorded(const std::string& ability, int64_t after,
                                     const Actor& actor) const;

private:
    ReevaluationResult run(const std::vector<std::string>& abilities, bool write,
                           bool own_transactions, const Actor& actor, int64_t after = 0,
                           const std::string& job = "") const;
    const Call& call_;
    Config config_;
};

}  // namespace agora::abilities
