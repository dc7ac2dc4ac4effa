// Which database URLs a process uses: the environment wins, else .agora/agora.env (ops/up),
// and the two URLs never come one from each.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "util/Config.h"

namespace agora {

namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* v : kVars)
            if (const char* old = std::getenv(v))
                saved_.emplace_back(v, old);
        for (const char* v : kVars)
            ::unsetenv(v);
        root_ = fs::temp_directory_path() / ("agora-config-" + std::to_string(::getpid()));
        fs::create_directories(root_ / ".agora");
        fs::create_directories(root_ / "migrations" / "network");
        std::ofstream(root_ / ".agora" / "agora.env")
            << "AGORA_DATABASE_URL=postgresql://agora_app:a@127.0.0.1:1/agora\n"
               "AGORA_MIGRATION_DATABASE_URL=postgresql://agora:o@127.0.0.1:1/agora\n";
        ::setenv("AGORA_ROOT", root_.c_str(), 1);
    }
    void TearDown() override {
        for (const char* v : kVars)
            ::unsetenv(v);
        for (const auto& [k, v] : saved_)
            ::setenv(k.c_str(), v.c_str(), 1);
        fs::remove_all(root_);
    }
    static constexpr const char* kVars[] = {"AGORA_ROOT", "AGORA_DATABASE_URL",
                                            "AGORA_MIGRATION_DATABASE_URL"};
    std::vector<std::pair<std::string, std::string>> saved_;
    fs::path root_;
};

TEST_F(ConfigTest, BothUrlsComeFromOpsUpsFile) {
    auto c = Config::load();
    EXPECT_EQ(c.database_url, "postgresql://agora_app:a@127.0.0.1:1/agora");
    EXPECT_EQ(c.migration_database_url, "postgresql://agora:o@127.0.0.1:1/agora");
    EXPECT_TRUE(c.splitRoles());
}

TEST_F(ConfigTest, OneUrlInTheEnvironmentIsUsedForEverything) {
    ::setenv("AGORA_DATABASE_URL", "postgresql://me@db/x", 1);
    auto c = Config::load();
    EXPECT_EQ(c.database_url, "postgresql://me@db/x");
    EXPECT_EQ(c.migration_database_url, "postgresql://me@db/x")
        << "the file's migration URL points at other servers";
    EXPECT_FALSE(c.splitRoles());
}

TEST_F(ConfigTest, BothUrlsFromTheEnvironment) {
    ::setenv("AGORA_DATABASE_URL", "postgresql://app@db/x", 1);
    ::setenv("AGORA_MIGRATION_DATABASE_URL", "postgresql://owner@db/x", 1);
    auto c = Config::load();
    EXPECT_EQ(c.database_url, "postgresql://app@db/x");
    EXPECT_EQ(c.migration_database_url, "postgresql://owner@db/x");
}

}  // namespace

}  // namespace agora
