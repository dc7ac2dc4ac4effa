#include "render/Renderer.h"

#include "tenancy/Tenant.h"

namespace agora {

Renderer::Renderer(std::filesystem::path themes_dir) : templates_(std::move(themes_dir)) {}

std::string Renderer::page(const Tenant& tenant, const std::string& templ, json d, json frame) {
    // The page sees its frame too (viewer, csrf, ...).
    for (const auto& [key, value] : frame.items())
        d[key] = value;
    if (!d.contains("title"))
        d["title"] = tenant.name;
    slots_.fill(tenant.theme, tenant, d);
    std::string content = render(tenant.theme, templ, d);
    // The layout needs only the frame, not the page's (possibly large) data.
    frame["title"] = std::move(d["title"]);
    frame["slots"] = std::move(d["slots"]);
    frame["content"] = std::move(content);
    return render(tenant.theme, "layout", frame);
}

}  // namespace agora
