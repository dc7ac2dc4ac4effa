#pragma once

#include "app/App.h"
#include "http/HttpRequest.h"

namespace agora {

// Turns one HttpRequest into one HttpResponse: tenant by host, route, CSRF, handler, and the
// single top-level catch that maps every error to a status (DESIGN decision 8). Never throws.
class Dispatcher {
public:
    explicit Dispatcher(App& app) : app_(app) {}
    void dispatch(const HttpRequest& req, HttpResponse& res);

private:
    App& app_;
};

}  // namespace agora
