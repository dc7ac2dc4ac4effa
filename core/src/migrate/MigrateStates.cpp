#include "migrate/MigrateStates.h"

#include <array>
#include <utility>

namespace agora::migrate {

namespace {

template <typename E, size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<StepPlanState, 5> kStepPlanStates = {{{StepPlanState::Applied, "applied"},
                                                      {StepPlanState::Pending, "pending"},
                                                      {StepPlanState::Edited, "edited"},
                                                      {StepPlanState::Missing, "missing"},
                                                      {StepPlanState::Plugin, "plugin"}}};

constexpr Names<Wave, 3> kWaves = {
    {{Wave::Staging, "staging"}, {Wave::Canary, "canary"}, {Wave::Main, "main"}}};

constexpr Names<RolloutStatus, 5> kRolloutStatuses = {{{RolloutStatus::Applied, "applied"},
                                                       {RolloutStatus::UpToDate, "up-to-date"},
                                                       {RolloutStatus::Refused, "refused"},
                                                       {RolloutStatus::Failed, "failed"},
                                                       {RolloutStatus::Skipped, "skipped"}}};

template <typename E, size_t N>
std::string_view nameOf(const Names<E, N>& names, E value) {
    for (const auto& [e, name] : names)
        if (e == value)
            return name;
    return "?";
}

template <typename E, size_t N>
std::optional<E> valueOf(const Names<E, N>& names, std::string_view name) {
    for (const auto& [e, n] : names)
        if (n == name)
            return e;
    return std::nullopt;
}

}  // namespace

std::string_view toString(StepPlanState s) {
    return nameOf(kStepPlanStates, s);
}
std::string_view toString(Wave w) {
    return nameOf(kWaves, w);
}
std::string_view toString(RolloutStatus s) {
    return nameOf(kRolloutStatuses, s);
}

std::optional<StepPlanState> parseStepPlanState(std::string_view s) {
    return valueOf(kStepPlanStates, s);
}
std::optional<Wave> parseWave(std::string_view s) {
    return valueOf(kWaves, s);
}
std::optional<RolloutStatus> parseRolloutStatus(std::string_view s) {
    return valueOf(kRolloutStatuses, s);
}

}  // namespace agora::migrate
