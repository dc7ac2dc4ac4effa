#pragma once

#include <agora/plugin_api.h>

namespace agora {

// The service table every plugin receives in init (agora/plugin_api.h). One static table for
// the whole process: which plugin is calling is known from the AgoraHost / AgoraCall handle
// passed to each service. Every service catches every exception and answers with a status.
const AgoraHostApi& hostApi();

}  // namespace agora
