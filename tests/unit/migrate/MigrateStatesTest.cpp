// Plan and rollout states are enums inside and the same words as always at the JSON/CLI edge.
#include <gtest/gtest.h>

#include "migrate/MigrateStates.h"

namespace agora::migrate {

namespace {

TEST(MigrateStates, StepPlanStatesKeepTheirWords) {
    EXPECT_EQ(toString(StepPlanState::Applied), "applied");
    EXPECT_EQ(toString(StepPlanState::Pending), "pending");
    EXPECT_EQ(toString(StepPlanState::Edited), "edited");
    EXPECT_EQ(toString(StepPlanState::Missing), "missing");
    EXPECT_EQ(toString(StepPlanState::Plugin), "plugin");
    for (auto s : {StepPlanState::Applied, StepPlanState::Pending, StepPlanState::Edited,
                   StepPlanState::Missing, StepPlanState::Plugin})
        EXPECT_EQ(parseStepPlanState(toString(s)), s);
    EXPECT_FALSE(parseStepPlanState("Applied"));
}

TEST(MigrateStates, RolloutWavesAndStatusesKeepTheirWords) {
    EXPECT_EQ(toString(Wave::Staging), "staging");
    EXPECT_EQ(toString(Wave::Canary), "canary");
    EXPECT_EQ(toString(Wave::Main), "main");
    EXPECT_EQ(toString(RolloutStatus::Applied), "applied");
    EXPECT_EQ(toString(RolloutStatus::UpToDate), "up-to-date");
    EXPECT_EQ(toString(RolloutStatus::Refused), "refused");
    EXPECT_EQ(toString(RolloutStatus::Failed), "failed");
    EXPECT_EQ(toString(RolloutStatus::Skipped), "skipped");
    for (auto w : {Wave::Staging, Wave::Canary, Wave::Main})
        EXPECT_EQ(parseWave(toString(w)), w);
    for (auto s : {RolloutStatus::Applied, RolloutStatus::UpToDate, RolloutStatus::Refused,
                   RolloutStatus::Failed, RolloutStatus::Skipped})
        EXPECT_EQ(parseRolloutStatus(toString(s)), s);
    EXPECT_FALSE(parseRolloutStatus("up_to_date"));
    EXPECT_FALSE(parseWave(""));
}

}  // namespace

}  // namespace agora::migrate
