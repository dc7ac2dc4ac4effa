#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace agora {

using json = nlohmann::json;
struct Tenant;
class TemplateStore;

// Plugins' slot partials: Mustache rendered into a page's {{{slots.NAME}}} on tenants that
// enabled the plugin. "post_actions" and "comment_actions" are rendered once per post /
// comment of the question page instead, with {post | comment, viewer, csrf} as data.
class PageSlots {
public:
    explicit PageSlots(TemplateStore& store) : store_(store) {}

    // Call before serving starts.
    void add(const std::string& plugin, const std::string& slot, std::string text);
    // Fills data["slots"] (and the question page's per-item slots) for this tenant; `data`
    // holds the page's data and its frame (viewer, csrf).
    void fill(const std::string& theme, const Tenant& tenant, json& data);

private:
    struct Partial {
        std::string plugin;
        std::string slot;
        std::string templ;
    };
    void fillPageSlots(const std::string& theme, const Tenant& tenant, json& data);
    void fillItemSlots(const std::string& theme, const Tenant& tenant, json& data);

    TemplateStore& store_;
    std::vector<Partial> partials_;
};

}  // namespace agora
