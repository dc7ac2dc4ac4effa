#include "network/PluginSteps.h"

#include "plugins/PluginHost.h"

namespace agora {

std::vector<migrate::Step> tenantStepsWith(std::vector<migrate::Step> core,
                                           const PluginHost& plugins,
                                           const std::set<std::string>& names) {
    for (const auto& name : names) {
        auto more = plugins.migrations(name);
        core.insert(core.end(), more.begin(), more.end());
    }
    return core;
}

}  // namespace agora
