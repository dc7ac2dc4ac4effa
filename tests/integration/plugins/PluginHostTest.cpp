// Loading the fixture plugins in test-plugins/load: each broken one is refused with a reason
// that names what was expected and what was found, and the working ones load beside them.
// No database is needed: loading only touches the registries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "app/App.h"
#include "http/Router.h"
#include "plugins/PluginHost.h"
#include "render/Renderer.h"

namespace agora {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Config testConfig() {
    Config c;
    // Never connected to: the pool opens connections on first use only.
    c.database_url = "postgresql://nobody@127.0.0.1:1/none";
    c.root = AGORA_SOURCE_DIR;
    c.plugin_dir = AGORA_TEST_PLUGIN_LOAD_DIR;
    return c;
}

class PluginHostTest : public ::testing::Test {
protected:
    void SetUp() override {
        // The refusals are asserted below; logged as well they would only clutter the output.
        spdlog::set_level(spdlog::level::off);
        app_ = std::make_unique<App>(testConfig(), 1);
        app_->loadPlugins();
    }

    const LoadedPlugin& file(const std::string& name) {
        for (const auto& p : app_->plugins().all())
            if (p->file.filename() == name)
                return *p;
        throw std::runtime_error("no file " + name + " was scanned");
    }

    std::unique_ptr<App> app_;
};

const std::string kHostAbi =
    std::to_string(AGORA_PLUGIN_ABI_MAJOR) + "." + std::to_string(AGORA_PLUGIN_ABI_MINOR);

TEST_F(PluginHostTest, RefusesAnotherMajorVersionBeforeCallingInit) {
    const auto& p = file("wrong_major.so");
    EXPECT_FALSE(p.ok);
    EXPECT_THAT(p.error, HasSubstr("built for plugin ABI 2.0"));
    EXPECT_THAT(p.error, HasSubstr("this server provides " + kHostAbi));
    EXPECT_THAT(p.error, Not(HasSubstr("init was called")));
    EXPECT_THAT(p.hint, HasSubstr("upgrade the server"));
}

TEST_F(PluginHostTest, RefusesANewerMinorVersion) {
    const auto& p = file("newer_minor.so");
    EXPECT_FALSE(p.ok);
    EXPECT_THAT(p.error,
                HasSubstr("needs plugin ABI 1." + std::to_string(AGORA_PLUGIN_ABI_MINOR + 1)));
    EXPECT_THAT(p.error, HasSubstr("this server provides " + kHostAbi));
    EXPECT_THAT(p.error, Not(HasSubstr("init was called")));
    EXPECT_FALSE(p.hint.empty());
}

TEST_F(PluginHostTest, RefusesALibraryWithoutTheEntrySymbol) {
    const auto& p = file("no_entry.so");
    EXPECT_FALSE(p.ok);
    EXPECT_THAT(p.error, HasSubstr("no agora_plugin_entry symbol"));
    EXPECT_THAT(p.hint, HasSubstr("extern \"C\""));
}

TEST_F(PluginHostTest, RefusesAFileThatIsNotALibrary) {
    const auto& p = file("not_a_library.so");
    EXPECT_FALSE(p.ok);
    EXPECT_THAT(p.error, HasSubstr("cannot be loaded"));
}

TEST_F(PluginHostTest, ReportsTheReasonInitGave) {
    const auto& p = file("init_error.so");
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(p.name, "init_error");
    EXPECT_THAT(p.error, HasSubstr("init failed: no licence key configured"));
    EXPECT_EQ(app_->plugins().find("init_error"), nullptr);
}

TEST_F(PluginHostTest, RefusesADuplicateNameAndKeepsTheFirst) {
    const auto& copy = file("fixture_good_copy.so");
    EXPECT_FALSE(copy.ok);
    EXPECT_THAT(copy.error, HasSubstr("duplicate plugin name \"fixture_good\""));
    EXPECT_THAT(copy.error, HasSubstr("fixture_good.so"));
    const auto* kept = app_->plugins().find("fixture_good");
    ASSERT_NE(kept, nullptr);
    EXPECT_EQ(kept->file.filename(), "fixture_good.so");
}

TEST_F(PluginHostTest, ARefusedPluginLeavesNothingRegistered) {
    const auto& p = file("bad_setting.so");
    EXPECT_FALSE(p.ok);
    EXPECT_THAT(p.error, HasSubstr("site.tagline"));
    EXPECT_EQ(app_->settings().find("bad_setting.fine"), nullptr)
        << "the valid setting of a refused plugin must not be registered";
    EXPECT_EQ(app_->settings().find("site.tagline")->owner, "core");
}

TEST_F(PluginHostTest, LoadsWorkingPluginsWithWhatTheyRegistered) {
    const auto* good = app_->plugins().find("fixture_good");
    ASSERT_NE(good, nullptr);
    EXPECT_EQ(good->version, "1.2.3");
    EXPECT_EQ(good->abi_major, 1u);
    EXPECT_EQ(good->abi_minor, static_cast<uint32_t>(AGORA_PLUGIN_ABI_MINOR));
    const auto* setting = app_->settings().find("fixture_good.greeting");
    ASSERT_NE(setting, nullptr);
    EXPECT_EQ(setting->owner, "fixture_good");
    EXPECT_EQ(setting->default_value, "hello");
    auto steps = app_->plugins().migrations("fixture_good");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].name, "fixture_good/001_items.sql");
    EXPECT_NE(app_->plugins().find("fixture_throw"), nullptr);
    EXPECT_EQ(app_->plugins().names(), (std::vector<std::string>{"fixture_good", "fixture_throw"}));
    for (const auto& p : app_->plugins().all())
        if (!p->ok)
            EXPECT_FALSE(p->hint.empty()) << p->file << " was refused without a hint";
}

TEST_F(PluginHostTest, LoadingTwiceChangesNothing) {
    size_t files = app_->plugins().all().size();
    app_->loadPlugins();
    EXPECT_EQ(app_->plugins().all().size(), files);
}

TEST_F(PluginHostTest, PluginRoutesMatchOnlyWhereEnabled) {
    Router router;
    Renderer renderer(std::string(AGORA_SOURCE_DIR) + "/themes");
    app_->plugins().install(router, renderer);
    auto off =
        router.match("GET", "/api/v1/fixture/hello", [](const std::string&) { return false; });
    EXPECT_EQ(off.route, nullptr);
    auto on = router.match("GET", "/api/v1/fixture/hello",
                           [](const std::string& p) { return p == "fixture_good"; });
    ASSERT_NE(on.route, nullptr);
    EXPECT_EQ(on.route->plugin, "fixture_good");
}

TEST_F(PluginHostTest, APluginRouteOverlappingACoreRouteIsRefusedNamingBoth) {
    Router router;
    router.add("GET", "/api/v1/fixture/{name}", [](RequestContext&) {});
    Renderer renderer(std::string(AGORA_SOURCE_DIR) + "/themes");
    app_->plugins().install(router, renderer);
    auto on = router.match("GET", "/api/v1/fixture/hello",
                           [](const std::string& p) { return p == "fixture_good"; });
    ASSERT_NE(on.route, nullptr);
    EXPECT_EQ(on.route->plugin, "") << "core's route must keep the path";
    const auto* good = app_->plugins().find("fixture_good");
    ASSERT_NE(good, nullptr);
    std::string errors;
    for (const auto& e : good->registration_errors)
        errors += e + "\n";
    EXPECT_THAT(errors, HasSubstr("GET /api/v1/fixture/hello (plugin fixture_good)"));
    EXPECT_THAT(errors, HasSubstr("GET /api/v1/fixture/{name} (core)"));
}

}  // namespace

}  // namespace agora
