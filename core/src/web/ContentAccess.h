#pragma once

#include "content/PostQueries.h"
#include "content/PostService.h"
#include "http/RequestContext.h"

namespace agora {

// The content services as a request uses them: its session, the shared services.
inline PostService postService(RequestContext& ctx) {
    return PostService(ctx.session(), ctx.services().content());
}

inline PostQueries postQueries(RequestContext& ctx) {
    return PostQueries(ctx.session(), ctx.services().permissions());
}

inline ListQuery listQuery(RequestContext& ctx) {
    return ListQuery::parse(ctx.req().query);
}

}  // namespace agora
