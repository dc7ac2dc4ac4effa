#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace agora::abilities {

// How a criterion's outcomes become a score in 0..1 (setting `abilities.scoring`):
//   laplace    (good + 2) / (good + bad + 4) over all outcomes — QPixel's formula: two
//              imaginary good and two bad outcomes keep a newcomer from scoring 0 or 1;
//   recent:N   the same formula over the member's last N outcomes, so one bad outcome years
//              ago stops counting (QPixel #1901);
//   wilson     the lower bound of the 95% Wilson interval: needs more evidence than laplace
//              before a high score counts.
struct ScoringRule {
    enum class Mode { Laplace, Recent, Wilson };
    Mode mode = Mode::Laplace;
    int64_t window = 0;  // N for recent:N

    static std::optional<ScoringRule> parse(const std::string& text);
    std::string text() const;
    bool operator==(const ScoringRule&) const = default;
};

// One member's outcomes for one criterion. `recent` lists the latest outcomes oldest first
// (true = good); it is read only in recent:N mode and needs at most N entries.
struct Outcomes {
    int64_t good = 0;
    int64_t bad = 0;
    std::vector<bool> recent;

    int64_t total() const { return good + bad; }
};

double laplaceScore(int64_t good, int64_t bad);
double wilsonScore(int64_t good, int64_t bad);
double score(const ScoringRule& rule, const Outcomes& outcomes);

// Scores are compared with a little tolerance so that, e.g., (4 + 2) / (4 + 4) meets 0.75 and
// (36 + 2) / (36 + 4) meets 0.95 however the threshold's decimal was rounded.
bool meets(double score, double threshold);

// Passing takes the score and at least `min_count` outcomes in all.
bool passes(const ScoringRule& rule, const Outcomes& outcomes, double threshold, int64_t min_count);

// The smallest number of further good outcomes after which the criterion passes: 0 when it
// already does, nullopt when no number would (a threshold of 1, or a recent:N window whose
// best possible score is below the threshold).
std::optional<int64_t> needed(const ScoringRule& rule, const Outcomes& outcomes, double threshold,
                              int64_t min_count);

// The outcomes as they would be after `n` more good ones.
Outcomes withGood(const ScoringRule& rule, const Outcomes& outcomes, int64_t n);

}  // namespace agora::abilities
