#pragma once

#include <agora/plugin_json.hpp>

namespace agora::flags {

// json, Call, Fail, args, rows, iso, dump, Params and the require* guards: the plugin SDK's.
using namespace plugin;

}  // namespace agora::flags
