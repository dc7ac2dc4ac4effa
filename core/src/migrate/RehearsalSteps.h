#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "migrate/LockSampler.h"
#include "migrate/OnlineApplier.h"
#include "migrate/RehearsalObservations.h"

namespace agora::migrate::rehearsal {

// The report of step `index` of a rehearsal: the applier's result, the locks it held, the
// waits of other sessions, relations rewritten, rebuilt and created, rows touched, and the
// production estimate (its time scaled by the touched tables' production/staging ratio).
nlohmann::json stepReport(const StepResult& result, const StepObs& observed, int index,
                          const std::vector<Step>& steps, const std::vector<LockSpan>& spans,
                          const std::vector<LockWait>& waits, const Sizes& sizes);

}  // namespace agora::migrate::rehearsal
