// The abilities plugin's scoring, table-driven, with the exact boundaries the thresholds
// sit on: QPixel's table of "good outcomes needed with none bad" must come out exactly.
#include <gtest/gtest.h>

#include "Scoring.h"

namespace agora::abilities {

namespace {

const ScoringRule kLaplace{};

Outcomes counts(int64_t good, int64_t bad) {
    return Outcomes{good, bad, {}};
}

struct NeededCase {
    int64_t good, bad;
    double threshold;
    int64_t min_count;
    std::optional<int64_t> needed;
};

TEST(AbilityScoring, LaplaceNeededMatchesTheReferenceTable) {
    const NeededCase cases[] = {
        // From nothing: the REFERENCE table's "good outcomes needed with none bad".
        {0, 0, 0.75, 0, 4},    // unrestricted: 4 good posts
        {0, 0, 0.9, 0, 16},    // flag_close / flag_curate posts
        {0, 0, 0.95, 0, 36},   // edit_posts edits, flag_close flags
        {0, 0, 0.975, 0, 76},  // edit_tags
        {0, 0, 0.99, 0, 196},  // flag_curate flags
        // One short of each boundary needs exactly one more.
        {3, 0, 0.75, 0, 1},
        {35, 0, 0.95, 0, 1},
        {195, 0, 0.99, 0, 1},
        // At the boundary: nothing more.
        {4, 0, 0.75, 0, 0},
        {36, 0, 0.95, 0, 0},
        {196, 0, 0.99, 0, 0},
        // Bad outcomes cost more good ones: (6 + n) / (9 + n) >= 0.75 first at n = 3.
        {4, 1, 0.75, 0, 3},
        {0, 2, 0.75, 0, 10},
        // A threshold at or under the prior needs nothing; 1 can never be reached.
        {0, 0, 0.5, 0, 0},
        {0, 0, 0.0, 0, 0},
        {100, 0, 1.0, 0, std::nullopt},
        // min_count: enough outcomes in all, whatever the score.
        {0, 0, 0.5, 10, 10},
        {4, 0, 0.75, 6, 2},
        {2, 0, 0.75, 3, 2},
    };
    for (const auto& c : cases) {
        auto o = counts(c.good, c.bad);
        EXPECT_EQ(needed(kLaplace, o, c.threshold, c.min_count), c.needed)
            << "good " << c.good << ", bad " << c.bad << ", threshold " << c.threshold
            << ", min_count " << c.min_count;
        if (c.needed) {
            // Exactly that many more passes, one fewer doesn't.
            EXPECT_TRUE(
                passes(kLaplace, withGood(kLaplace, o, *c.needed), c.threshold, c.min_count));
            if (*c.needed > 0)
                EXPECT_FALSE(passes(kLaplace, withGood(kLaplace, o, *c.needed - 1), c.threshold,
                                    c.min_count));
        }
    }
}

TEST(AbilityScoring, LaplaceScoresAtTheBoundariesMeetTheirThresholds) {
    EXPECT_DOUBLE_EQ(laplaceScore(0, 0), 0.5);
    EXPECT_TRUE(meets(laplaceScore(4, 0), 0.75));
    EXPECT_FALSE(meets(laplaceScore(3, 0), 0.75));
    EXPECT_TRUE(meets(laplaceScore(36, 0), 0.95));
    EXPECT_FALSE(meets(laplaceScore(35, 0), 0.95));
    EXPECT_TRUE(meets(laplaceScore(76, 0), 0.975));
    EXPECT_FALSE(meets(laplaceScore(75, 0), 0.975));
    EXPECT_TRUE(meets(laplaceScore(196, 0), 0.99));
    EXPECT_FALSE(meets(laplaceScore(195, 0), 0.99));
}

TEST(AbilityScoring, RecentWindowForgetsOldOutcomes) {
    ScoringRule recent4{ScoringRule::Mode::Recent, 4};
    // All-time 2 good / 10 bad, but the window sees only the last four: T T F F → 0.5.
    Outcomes o{2, 10, {false, false, true, true, false, false}};
    o.recent = {true, true, false, false};
    EXPECT_DOUBLE_EQ(score(recent4, o), 0.5);
    EXPECT_LT(score(kLaplace, o), 0.3);
    // Good outcomes push the bad ones out: only the fourth brings 6/8.
    EXPECT_EQ(needed(recent4, o, 0.75, 0), 4);
    EXPECT_DOUBLE_EQ(score(recent4, withGood(recent4, o, 3)), 5.0 / 8.0);
    // A window of 4 can never score more than 6/8.
    EXPECT_EQ(needed(recent4, o, 0.8, 0), std::nullopt);
    // A bad outcome older than the window no longer counts at all.
    Outcomes clean{4, 1, {false, true, true, true, true}};
    EXPECT_DOUBLE_EQ(score(recent4, clean), 6.0 / 8.0);
}

TEST(AbilityScoring, WilsonNeedsMoreEvidence) {
    ScoringRule wilson{ScoringRule::Mode::Wilson, 0};
    EXPECT_DOUBLE_EQ(wilsonScore(0, 0), 0.0);
    // All good: the bound is n / (n + z²), so 0.75 takes 3z² ≈ 11.5 → 12 outcomes.
    EXPECT_EQ(needed(wilson, counts(0, 0), 0.75, 0), 12);
    EXPECT_FALSE(passes(wilson, counts(11, 0), 0.75, 0));
    EXPECT_TRUE(passes(wilson, counts(12, 0), 0.75, 0));
    EXPECT_GT(needed(wilson, counts(0, 0), 0.95, 0).value(),
              needed(kLaplace, counts(0, 0), 0.95, 0).value());
    EXPECT_LT(wilsonScore(4, 0), laplaceScore(4, 0));
}

TEST(AbilityScoring, ParsesScoringSettings) {
    EXPECT_EQ(ScoringRule::parse("laplace"), (ScoringRule{ScoringRule::Mode::Laplace, 0}));
    EXPECT_EQ(ScoringRule::parse("wilson"), (ScoringRule{ScoringRule::Mode::Wilson, 0}));
    EXPECT_EQ(ScoringRule::parse("recent:50"), (ScoringRule{ScoringRule::Mode::Recent, 50}));
    for (const char* bad : {"", "recent", "recent:", "recent:0", "recent:-3", "Recent:5",
                            "laplace ", "recent:1000000", "bayes"})
        EXPECT_EQ(ScoringRule::parse(bad), std::nullopt) << bad;
    EXPECT_EQ(ScoringRule::parse("recent:50")->text(), "recent:50");
}

}  // namespace

}  // namespace agora::abilities
