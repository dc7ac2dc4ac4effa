#pragma once

#include <string>

#include "app/App.h"
#include "http/HttpRequest.h"

namespace agora {

// Routes that answer on any host (load balancers and Prometheus call them by address):
// /healthz and /metrics. Returns false when the path is not one of them.
bool handleNetworkRoute(App& app, const HttpRequest& req, HttpResponse& res,
                        std::string& route_name);

}  // namespace agora
