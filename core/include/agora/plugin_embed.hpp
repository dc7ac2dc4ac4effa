// Files compiled into a plugin: its migrations/*.sql and templates/*.mustache, turned into a
// generated source by agora_embed_plugin_files (plugins/CMakeLists.txt), so deploying a plugin
// is copying one file. Include this header only in a plugin that calls that CMake function:
// the generated source defines the two lists.
#pragma once

#include <agora/plugin.hpp>

namespace agora::plugin {

// A file compiled into the plugin. Lists end with {nullptr, nullptr}.
struct EmbeddedFile {
    const char* name;  // "001_flags.sql", or a template's name without ".mustache"
    const char* text;
};

const EmbeddedFile* embeddedMigrations();
const EmbeddedFile* embeddedTemplates();

// Registers every embedded migration and template (call from the plugin's setup).
inline void registerEmbeddedFiles(Registrar& r) {
    for (const auto* f = embeddedMigrations(); f->name; ++f)
        r.migration(f->name, f->text);
    for (const auto* f = embeddedTemplates(); f->name; ++f)
        r.templ(f->name, f->text);
}

}  // namespace agora::plugin
