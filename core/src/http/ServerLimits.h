#pragma once

#include <cstddef>
#include <string>

#include "http/HttpParser.h"

namespace agora {

// What one client may cost the server. Defaults suit a public site; every one can be changed
// through the environment (AGORA_HTTP_*, see docs/security.md) for a deployment or a test.
struct ServerLimits {
    HeadLimits head;
    int head_timeout_ms = 10'000;       // first byte of a request → end of its head
    int request_timeout_ms = 30'000;    // first byte → last byte of its body
    int keepalive_timeout_ms = 60'000;  // idle between requests (costs a socket, no thread)
    int write_timeout_ms = 30'000;      // a response must be taken by the client in this long
    int linger_ms = 5'000;              // after an early error, drain what the client still sends
    size_t linger_bytes = 8 * 1024 * 1024;
    size_t max_connections = 20'000;
    size_t max_connections_per_client = 128;  // trusted proxies are exempt
    size_t max_queued_requests = 4'096;       // complete requests waiting for a worker

    static ServerLimits fromEnvironment();
};

}  // namespace agora
