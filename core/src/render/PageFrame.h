#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace agora {

using json = nlohmann::json;
struct Tenant;
struct Viewer;
class TenantSettings;

// What the layout around every page shows, gathered by whoever serves the page.
struct PageFrameInputs {
    const Tenant& tenant;
    const TenantSettings& settings;
    const Viewer& viewer;
    std::string csrf;
    std::string flash;  // a one-time message, decoded; empty for none
};

// The layout's data: {site, viewer, csrf} and {flash} when there is one. Page decorators
// (Renderer::addPageDecorator) may add to it before the page is rendered.
json pageFrame(const PageFrameInputs& in);

}  // namespace agora
