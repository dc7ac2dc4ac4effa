#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace agora {

using json = nlohmann::json;

// The themes' Mustache templates (HTML-escaped by default). Templates are read once per theme,
// partials ({{> name}}) are inlined at load so a page is one compiled template, and compiled
// templates are shared by every tenant using the theme.
class TemplateStore {
public:
    explicit TemplateStore(std::filesystem::path themes_dir);
    ~TemplateStore();

    // Renders one template with data.
    std::string render(const std::string& theme, const std::string& templ, const json& data);
    // Path of a static asset, or empty when it doesn't exist (no traversal outside static/).
    std::filesystem::path asset(const std::string& theme, const std::string& name) const;
    // A template that ships without a file: used when no theme has a file of that name, so a
    // theme can still override it. Call before serving starts.
    void addTemplate(const std::string& name, std::string text);

private:
    struct Compiled;
    const Compiled& compiled(const std::string& theme, const std::string& templ);
    std::string load(const std::string& theme, const std::string& name, int depth) const;

    std::filesystem::path dir_;
    std::map<std::string, std::string> builtin_;
    std::mutex mu_;
    std::map<std::string, std::unique_ptr<Compiled>> cache_;
};

}  // namespace agora
