#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace agora {

using json = nlohmann::json;
class RequestContext;
struct Tenant;

// Server-side Mustache (HTML-escaped by default). Templates are read once per theme, partials
// ({{> name}}) are inlined at load so a page is one compiled template, and compiled templates
// are shared by every tenant using the theme.
class Renderer {
public:
    explicit Renderer(std::filesystem::path themes_dir);
    ~Renderer();

    // Renders `templ` inside the theme's layout for this request's tenant and viewer.
    std::string page(RequestContext& ctx, const std::string& templ, json data);
    // Renders one template with data (no layout).
    std::string render(const std::string& theme, const std::string& templ, const json& data);
    // Path of a static asset, or empty when it doesn't exist (no traversal outside static/).
    std::filesystem::path asset(const std::string& theme, const std::string& name) const;

    // A template that ships without a file (plugins'): used when no theme has a file of that
    // name, so a theme can still override it. Call before serving starts.
    void addTemplate(const std::string& name, std::string text);
    // Mustache rendered into `slot` ({{{slots.NAME}}} in core pages) with the page's data, on
    // tenants that enabled `plugin`. Call before serving starts.
    void addSlotPartial(const std::string& plugin, const std::string& slot, std::string text);

private:
    struct Compiled;
    const Compiled& compiled(const std::string& theme, const std::string& templ);
    std::string load(const std::string& theme, const std::string& name, int depth) const;

    void fillSlots(const std::string& theme, const Tenant& tenant, json& data);
    // "post_actions" and "comment_actions": once per post / comment of the question page, with
    // {post | comment, viewer, csrf} as data.
    void fillItemSlots(const std::string& theme, const Tenant& tenant, json& data);

    struct SlotPartial {
        std::string plugin;
        std::string slot;
        std::string templ;
    };

    std::filesystem::path dir_;
    std::map<std::string, std::string> builtin_;
    std::vector<SlotPartial> slot_partials_;
    std::mutex mu_;
    std::map<std::string, std::unique_ptr<Compiled>> cache_;
};

}  // namespace agora
