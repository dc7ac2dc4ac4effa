#include "http/PageRender.h"

#include "http/RequestContext.h"
#include "render/PageFrame.h"
#include "render/Renderer.h"

namespace agora {

namespace {

// The message RequestContext::flash() left for this page, cleared so it shows once.
std::string takeFlash(RequestContext& ctx) {
    auto flash = ctx.req().cookie("agora_flash");
    if (flash.empty())
        return "";
    ctx.setCookie("agora_flash", "", 0);
    return urlDecode(flash);
}

}  // namespace

std::string renderPage(RequestContext& ctx, const std::string& templ, json data) {
    const auto& tenant = ctx.tenant();
    auto settings = ctx.settings();
    const auto& viewer = ctx.viewer();
    std::string csrf = ctx.csrfToken();  // may set the anonymous CSRF cookie: before the flash's
    json frame = pageFrame({tenant, settings, viewer, std::move(csrf), takeFlash(ctx)});
    auto& renderer = ctx.services().renderer();
    renderer.decorate(ctx, frame);
    return renderer.page(tenant, templ, std::move(data), std::move(frame));
}

}  // namespace agora
