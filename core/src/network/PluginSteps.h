#pragma once

#include <set>
#include <string>
#include <vector>

#include "migrate/Migrator.h"

namespace agora {

class PluginHost;

// A tenant schema's steps: core's followed by those of the named (loaded) plugins, each
// "<plugin>/<file>", in the order the plugins are named.
std::vector<migrate::Step> tenantStepsWith(std::vector<migrate::Step> core,
                                           const PluginHost& plugins,
                                           const std::set<std::string>& names);

}  // namespace agora
