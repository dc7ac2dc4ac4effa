#pragma once

#include <string>

#include "http/HttpRequest.h"
#include "services/Services.h"

namespace agora {

// Routes that answer on any host (load balancers and Prometheus call them by address):
// /healthz and /metrics. Returns false when the path is not one of them.
bool handleNetworkRoute(Services& app, const HttpRequest& req, HttpResponse& res,
                        std::string& route_name);

}  // namespace agora
