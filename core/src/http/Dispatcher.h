#pragma once

#include <memory>
#include <string>

#include "http/HttpRequest.h"
#include "http/Router.h"
#include "services/Services.h"

namespace agora {

class RequestContext;

// Turns one HttpRequest into one HttpResponse: tenant by host, route, CSRF, handler, and the
// single top-level catch that maps every error to a status (DESIGN decision 8). Never throws.
class Dispatcher {
public:
    Dispatcher(Services& services, Router& router) : app_(services), router_(router) {}
    void dispatch(const HttpRequest& req, HttpResponse& res);

private:
    // A request on a tenant's host: tenant, route, staging and CSRF checks, the handler.
    // Sets what dispatch() logs and measures as soon as it is known, even when it throws.
    void serveTenant(const HttpRequest& req, HttpResponse& res, const std::string& request_id,
                     std::string& route_name, std::string& tenant_slug,
                     std::unique_ptr<RequestContext>& ctx);

    Services& app_;
    Router& router_;
};

}  // namespace agora
