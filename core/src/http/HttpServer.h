#pragma once

#include <memory>

#include "http/Router.h"
#include "http/ServerLimits.h"
#include "services/Services.h"

namespace agora {

// The HTTP edge: one event-loop thread owns every socket (accepting, reading, writing, timing
// out) and hands only complete requests to a pool of workers that run the Dispatcher. An idle
// keep-alive connection or a client trickling its headers costs a socket and a few KiB, never
// a worker, so slow or many clients cannot starve the others; every request has an overall
// deadline for its head and its body, and each client address a cap on open connections.
class HttpServer {
public:
    HttpServer(Services& services, Router& router, int port, int workers);
    HttpServer(Services& services, Router& router, int port, int workers, ServerLimits limits);
    // As above with the proxies to trust named here instead of by the configuration.
    HttpServer(Services& services, Router& router, int port, int workers, ServerLimits limits,
               AddressSet trusted_proxies);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void start();
    // Stops accepting, closes every connection and joins the threads. Idempotent.
    void stop();
    int port() const;

    class Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace agora
