#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace agora {

using json = nlohmann::json;

enum class SettingType { Bool, Int, Float, String, Color, Enum };

// One registered setting. Core registers its own at start; plugins register theirs through
// the host API. A tenant override is validated against this before it is stored.
struct SettingDef {
    std::string key;
    SettingType type = SettingType::String;
    json default_value;
    std::optional<double> min;
    std::optional<double> max;
    std::vector<std::string> choices;  // Enum
    size_t max_length = 200;           // String
    std::string pattern;               // String: regex the whole value must match ("" = any)
    bool nullable = false;
    std::string category;
    std::string description;
    std::string owner = "core";  // "core" or the plugin's name
};

const char* settingTypeName(SettingType t);

}  // namespace agora
