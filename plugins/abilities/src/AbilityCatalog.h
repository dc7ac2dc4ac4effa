#pragma once

#include <optional>
#include <string>
#include <vector>

namespace agora::abilities {

// What an ability is judged on. Posts: well- vs badly-received posts; edits: approved vs
// rejected suggested edits; flags: helpful vs declined flags.
enum class Criterion { Post, Edit, Flag };

inline constexpr Criterion kCriteria[] = {Criterion::Post, Criterion::Edit, Criterion::Flag};

// "post", "edit", "flag": the names used in settings keys, the API and the outcome log.
const char* criterionName(Criterion c);
std::optional<Criterion> criterionFromName(const std::string& name);

// One threshold per criterion; nullopt = the criterion is not used for this ability.
struct Thresholds {
    std::optional<double> post;
    std::optional<double> edit;
    std::optional<double> flag;

    std::optional<double> get(Criterion c) const;
    void set(Criterion c, std::optional<double> value);
    // No criterion in use: the ability is only ever granted by a moderator.
    bool manualOnly() const { return !post && !edit && !flag; }
    bool operator==(const Thresholds&) const = default;
};

struct AbilityInfo {
    std::string id;
    std::string name;
    std::string summary;
    Thresholds defaults;    // SPEC "Ability ids and default thresholds"
    bool everyone = false;  // held by every member; no thresholds
};

// The abilities core asks about (PermissionService::abilityIds), in display order.
const std::vector<AbilityInfo>& catalog();
const AbilityInfo* findAbility(const std::string& id);

}  // namespace agora::abilities
