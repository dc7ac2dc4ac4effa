#pragma once

#include <agora/plugin_json.hpp>

#include <optional>

namespace agora::abilities {

// json, Call, Fail, args, rows, iso, Params and the require* guards: the plugin SDK's.
using namespace plugin;

inline json nullable(const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
}

}  // namespace agora::abilities
