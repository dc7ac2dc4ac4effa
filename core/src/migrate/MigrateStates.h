#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agora::migrate {

// The states a plan and a rollout report. Strings only at the edges (JSON, the CLI's tables):
// toString gives exactly the words those have always printed, parse* reads them back.

// One step as seen on one target (MigrationPlan::status).
enum class StepPlanState {
    Applied,  // in the ledger with the file's checksum
    Pending,  // not in the ledger
    Edited,   // in the ledger, but the file changed since
    Missing,  // in the ledger, no file
    Plugin,   // applied by a plugin; its files live with the plugin
};

// Which wave of `migrate apply` a tenant belongs to.
enum class Wave { Staging, Canary, Main };

// What `migrate apply` did to one tenant.
enum class RolloutStatus { Applied, UpToDate, Refused, Failed, Skipped };

std::string_view toString(StepPlanState s);
std::string_view toString(Wave w);
std::string_view toString(RolloutStatus s);

std::optional<StepPlanState> parseStepPlanState(std::string_view s);
std::optional<Wave> parseWave(std::string_view s);
std::optional<RolloutStatus> parseRolloutStatus(std::string_view s);

// For building messages: "main tenant " + ...
inline std::string str(StepPlanState s) {
    return std::string(toString(s));
}
inline std::string str(Wave w) {
    return std::string(toString(w));
}
inline std::string str(RolloutStatus s) {
    return std::string(toString(s));
}

}  // namespace agora::migrate
