#pragma once

namespace agora::reviews {

// A file compiled into the plugin. Lists end with {nullptr, nullptr}.
struct EmbeddedFile {
    const char* name;  // "001_suggested_edits.sql", or a template's name without ".mustache"
    const char* text;
};

const EmbeddedFile* embeddedMigrations();
const EmbeddedFile* embeddedTemplates();

}  // namespace agora::reviews
