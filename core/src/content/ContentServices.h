#pragma once

#include "cache/PageCache.h"
#include "content/EventBus.h"
#include "content/PermissionService.h"
#include "content/RateLimiter.h"

namespace agora {

// The shared services a content write uses besides its session: who may, how often, who hears
// of it, and which cached pages it makes stale.
struct ContentServices {
    PermissionService& permissions;
    RateLimiter& rate_limiter;
    EventBus& events;
    PageCache& page_cache;
};

}  // namespace agora
