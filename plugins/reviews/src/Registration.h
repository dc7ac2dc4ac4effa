#pragma once

#include <agora/plugin.hpp>

namespace agora::reviews {

// Everything the plugin registers; registerAll (the AGORA_PLUGIN setup) calls the others.
void registerAll(plugin::Registrar& r);
void registerApiRoutes(plugin::Registrar& r);
void registerPages(plugin::Registrar& r);

}  // namespace agora::reviews
