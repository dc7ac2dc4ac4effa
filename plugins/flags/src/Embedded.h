#pragma once

namespace agora::flags {

// A file compiled into the plugin. Lists end with {nullptr, nullptr}.
struct EmbeddedFile {
    const char* name;  // "001_flags.sql", or a template's name without ".mustache"
    const char* text;
};

const EmbeddedFile* embeddedMigrations();
const EmbeddedFile* embeddedTemplates();

}  // namespace agora::flags
