#include <fstream>
#include <sstream>

#include "http/RequestContext.h"
#include "http/Router.h"
#include "render/Renderer.h"
#include "util/Error.h"
#include "web/Routes.h"

namespace agora {

namespace {

std::string contentType(const std::string& name) {
    auto ext = name.substr(name.rfind('.') + 1);
    if (ext == "css")
        return "text/css; charset=utf-8";
    if (ext == "js")
        return "text/javascript; charset=utf-8";
    if (ext == "svg")
        return "image/svg+xml";
    if (ext == "png")
        return "image/png";
    if (ext == "ico")
        return "image/x-icon";
    if (ext == "woff2")
        return "font/woff2";
    return "application/octet-stream";
}

void serveAsset(RequestContext& ctx) {
    auto path = ctx.services().renderer().asset(ctx.tenant().theme, ctx.param("file"));
    if (path.empty())
        throw Error::notFound();
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto& res = ctx.res();
    res.body = ss.str();
    res.content_type = contentType(path.filename().string());
    // Assets are small and change with deploys; a day of caching plus revalidation by ETag.
    res.header("Cache-Control", "public, max-age=86400");
    res.header("ETag", "\"" + std::to_string(std::hash<std::string>{}(res.body)) + "\"");
}

}  // namespace

void registerStaticRoutes(Router& router) {
    // The cheapest full trip through the server (tenant lookup, routing, response): the
    // ceiling benchmarks compare real pages against.
    router.add("GET", "/ping", [](RequestContext& ctx) {
        ctx.res().content_type = "text/plain";
        ctx.res().body = "pong\n";
    });
    router.add("GET", "/static/{file}", serveAsset);
    router.add("GET", "/favicon.ico", [](RequestContext& ctx) {
        ctx.params()["file"] = "favicon.svg";
        serveAsset(ctx);
        ctx.res().content_type = "image/svg+xml";
    });
}

}  // namespace agora
