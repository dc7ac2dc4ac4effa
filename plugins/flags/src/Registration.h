#pragma once

#include <agora/plugin.hpp>

namespace agora::flags {

// Everything the plugin registers, called from init in this order.
void registerApiRoutes(plugin::Registrar& r);
void registerPages(plugin::Registrar& r);

}  // namespace agora::flags
