// The plugin ABI is frozen per version: every released (major, minor) is listed below with the
// sha256 of core/include/agora/plugin_api.h as it was. Editing the header without a version
// bump fails here. To change it: additions at the end of a struct → bump
// AGORA_PLUGIN_ABI_MINOR; anything else → bump the MAJOR (and reset MINOR); then add a row.
// Never edit an existing row — plugins built against it are out there.
#include <gtest/gtest.h>

#include <agora/plugin_api.h>

#include <fstream>
#include <sstream>

#include "util/Crypto.h"

namespace {

struct FrozenAbi {
    unsigned major;
    unsigned minor;
    const char* sha256;
};

const FrozenAbi kFrozen[] = {
    {1, 0, "7d5d98d90d32910e96ef951ed918e2763eca0e0328968016492d9eedd5caf6f4"},
    // 1.1: register_badge, edit_post, diff_html, notify_members, audit_many appended.
    {1, 1, "fd06f1192d0d0940d05041dd143ed475567c70fd6a110b4f6718bde4399d5d2b"},
};

std::string headerHash() {
    std::ifstream in(std::string(AGORA_SOURCE_DIR) + "/core/include/agora/plugin_api.h",
                     std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return agora::crypto::sha256Hex(ss.str());
}

TEST(PluginApiHash, HeaderMatchesItsFrozenVersion) {
    agora::crypto::init();
    std::string hash = headerHash();
    ASSERT_FALSE(hash.empty());
    const FrozenAbi* current = nullptr;
    for (const auto& f : kFrozen)
        if (f.major == AGORA_PLUGIN_ABI_MAJOR && f.minor == AGORA_PLUGIN_ABI_MINOR)
            current = &f;
    ASSERT_NE(current, nullptr) << "plugin ABI " << AGORA_PLUGIN_ABI_MAJOR << "."
                                << AGORA_PLUGIN_ABI_MINOR << " has no frozen hash: add {"
                                << AGORA_PLUGIN_ABI_MAJOR << ", " << AGORA_PLUGIN_ABI_MINOR
                                << ", \"" << hash << "\"} to kFrozen";
    EXPECT_EQ(hash, current->sha256)
        << "core/include/agora/plugin_api.h changed but AGORA_PLUGIN_ABI_MAJOR/MINOR did not. "
           "Plugins built against ABI "
        << current->major << "." << current->minor
        << " would load and misbehave. Bump MINOR for additions at the end of a struct, "
           "MAJOR for anything else, and add a row for the new version.";
}

TEST(PluginApiHash, VersionsOnlyMoveForward) {
    for (const auto& f : kFrozen) {
        bool older = f.major < AGORA_PLUGIN_ABI_MAJOR ||
                     (f.major == AGORA_PLUGIN_ABI_MAJOR && f.minor <= AGORA_PLUGIN_ABI_MINOR);
        EXPECT_TRUE(older) << "frozen ABI " << f.major << "." << f.minor
                           << " is newer than the header's version";
    }
}

}  // namespace
