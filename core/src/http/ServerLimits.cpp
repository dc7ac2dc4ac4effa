#include "http/ServerLimits.h"

#include <cstdlib>

#include "util/Config.h"

namespace agora {

namespace {

template <typename T>
void override(const char* name, T& value) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        return;
    value = static_cast<T>(wholeNumberSetting(name, v));
}

}  // namespace

ServerLimits ServerLimits::fromEnvironment() {
    ServerLimits l;
    override("AGORA_HTTP_HEAD_TIMEOUT_MS", l.head_timeout_ms);
    override("AGORA_HTTP_REQUEST_TIMEOUT_MS", l.request_timeout_ms);
    override("AGORA_HTTP_KEEPALIVE_TIMEOUT_MS", l.keepalive_timeout_ms);
    override("AGORA_HTTP_WRITE_TIMEOUT_MS", l.write_timeout_ms);
    override("AGORA_HTTP_MAX_CONNECTIONS", l.max_connections);
    override("AGORA_HTTP_MAX_CONNECTIONS_PER_CLIENT", l.max_connections_per_client);
    override("AGORA_HTTP_MAX_BODY_BYTES", l.head.max_body_bytes);
    return l;
}

}  // namespace agora
