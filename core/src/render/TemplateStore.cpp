#include "render/TemplateStore.h"

#include <fstream>
#include <kainjow/mustache.hpp>
#include <regex>
#include <sstream>

#include "render/MustacheData.h"
#include "util/Error.h"

namespace agora {

namespace fs = std::filesystem;
using kainjow::mustache::mustache;

struct TemplateStore::Compiled {
    explicit Compiled(const std::string& text) : tmpl(text) {}
    mustache tmpl;
};

TemplateStore::TemplateStore(fs::path themes_dir) : dir_(std::move(themes_dir)) {}
TemplateStore::~TemplateStore() = default;

std::string TemplateStore::load(const std::string& theme, const std::string& name,
                                int depth) const {
    if (depth > 8)
        throw Error::internal("template partials nested too deeply at " + name);
    fs::path file = dir_ / theme / "templates" / (name + ".mustache");
    if (!fs::exists(file))
        file = dir_ / "default" / "templates" / (name + ".mustache");
    std::string text;
    if (std::ifstream in(file); in) {
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    } else if (auto it = builtin_.find(name); it != builtin_.end()) {
        text = it->second;
    } else {
        throw Error::internal("template " + name + " not found in theme " + theme);
    }
    static const std::regex partial(R"(\{\{>\s*([A-Za-z0-9_/\-]+)\s*\}\})");
    std::string out;
    auto begin = std::sregex_iterator(text.begin(), text.end(), partial);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        out += text.substr(last, it->position() - last);
        out += load(theme, "partials/" + (*it)[1].str(), depth + 1);
        last = it->position() + it->length();
    }
    out += text.substr(last);
    return out;
}

const TemplateStore::Compiled& TemplateStore::compiled(const std::string& theme,
                                                       const std::string& templ) {
    std::string key = theme + "/" + templ;
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end())
        return *it->second;
    auto c = std::make_unique<Compiled>(load(theme, templ, 0));
    if (!c->tmpl.is_valid())
        throw Error::internal("template " + key + ": " + c->tmpl.error_message());
    return *cache_.emplace(key, std::move(c)).first->second;
}

std::string TemplateStore::render(const std::string& theme, const std::string& templ,
                                  const json& data_json) {
    const auto& c = compiled(theme, templ);
    auto d = toMustacheData(data_json);
    // mustache::render is const and keeps no state between calls: safe across threads.
    return const_cast<mustache&>(c.tmpl).render(d);
}

void TemplateStore::addTemplate(const std::string& name, std::string text) {
    std::lock_guard lock(mu_);
    builtin_[name] = std::move(text);
}

fs::path TemplateStore::asset(const std::string& theme, const std::string& name) const {
    static const std::regex safe(R"(^[A-Za-z0-9_\-]+(\.[A-Za-z0-9]+)+$)");
    if (!std::regex_match(name, safe))
        return {};
    for (const auto& t : {theme, std::string("default")}) {
        auto p = dir_ / t / "static" / name;
        if (fs::is_regular_file(p))
            return p;
    }
    return {};
}

}  // namespace agora
