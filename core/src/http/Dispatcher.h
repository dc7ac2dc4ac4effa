#pragma once

#include <memory>
#include <string>

#include "app/App.h"
#include "http/HttpRequest.h"

namespace agora {

class RequestContext;

// Turns one HttpRequest into one HttpResponse: tenant by host, route, CSRF, handler, and the
// single top-level catch that maps every error to a status (DESIGN decision 8). Never throws.
class Dispatcher {
public:
    explicit Dispatcher(App& app) : app_(app) {}
    void dispatch(const HttpRequest& req, HttpResponse& res);

private:
    // A request on a tenant's host: tenant, route, staging and CSRF checks, the handler.
    // Sets what dispatch() logs and measures as soon as it is known, even when it throws.
    void serveTenant(const HttpRequest& req, HttpResponse& res, const std::string& request_id,
                     std::string& route_name, std::string& tenant_slug,
                     std::unique_ptr<RequestContext>& ctx);

    App& app_;
};

}  // namespace agora
