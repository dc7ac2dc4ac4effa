#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace agora {

using json = nlohmann::json;

// The declarative description of one community (SPEC §3).
struct TenantFile {
    std::string slug;
    std::string name;
    std::vector<std::string> hosts;
    std::string theme = "default";
    std::vector<std::string> plugins;
    std::optional<std::string> staging_of;
    std::map<std::string, json> settings;  // [settings] plus [abilities.X] flattened

    // Parses TOML text. Unknown keys and wrong types are errors naming file:line and the key.
    // Setting keys are validated later against the registry (plugins add keys).
    static TenantFile parse(const std::string& text, const std::string& filename);
    static TenantFile load(const std::string& path);
    std::string toToml() const;
};

// Raised for a malformed tenant file: "FILE:LINE: message".
struct TenantFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace agora
