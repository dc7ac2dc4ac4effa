#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "render/PageSlots.h"
#include "render/TemplateStore.h"

namespace agora {

using json = nlohmann::json;
class RequestContext;  // opaque here: only handed through to page decorators
struct Tenant;

// Adds to a page's frame (pageFrame()) for the request rendering it, e.g. plugins' header
// badges. Registered by the layer that owns the decoration, so render/ calls none of it.
using PageDecorator = std::function<void(RequestContext& request, json& frame)>;

// Pages: a template rendered with its data and frame, filled slots, inside the theme's layout.
class Renderer {
public:
    explicit Renderer(std::filesystem::path themes_dir);

    // Renders `templ` for `tenant` with `data` plus the `frame` (pageFrame(), decorated),
    // then the theme's layout around it.
    std::string page(const Tenant& tenant, const std::string& templ, json data, json frame);
    // Renders one template with data (no layout).
    std::string render(const std::string& theme, const std::string& templ, const json& data) {
        return templates_.render(theme, templ, data);
    }
    std::filesystem::path asset(const std::string& theme, const std::string& name) const {
        return templates_.asset(theme, name);
    }

    // A template that ships without a file (plugins'): used when no theme has a file of that
    // name, so a theme can still override it. Call before serving starts.
    void addTemplate(const std::string& name, std::string text) {
        templates_.addTemplate(name, std::move(text));
    }
    // Mustache rendered into `slot` ({{{slots.NAME}}} in core pages) with the page's data, on
    // tenants that enabled `plugin`. Call before serving starts.
    void addSlotPartial(const std::string& plugin, const std::string& slot, std::string text) {
        slots_.add(plugin, slot, std::move(text));
    }

    // Call before serving starts. Decorators run in registration order.
    void addPageDecorator(PageDecorator decorator) { decorators_.push_back(std::move(decorator)); }
    void decorate(RequestContext& request, json& frame) const {
        for (const auto& d : decorators_)
            d(request, frame);
    }

private:
    TemplateStore templates_;
    PageSlots slots_{templates_};
    std::vector<PageDecorator> decorators_;
};

}  // namespace agora
