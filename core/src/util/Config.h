#pragma once

#include <filesystem>
#include <string>

namespace agora {

// Where Agora finds its servers and files. AGORA_* environment variables win; otherwise the
// `.agora/agora.env` written by ops/up (searched from the working directory upwards), so the
// CLI run from a checkout talks to the same servers as `ops/up`.
struct Config {
    std::string database_url;
    std::string redis_url;
    std::filesystem::path root;        // checkout: migrations/, themes/, tenants/
    std::filesystem::path plugin_dir;  // the only folder plugins are loaded from
    int workers = 0;                   // 0 = derive from cores

    static Config load();
};

}  // namespace agora
