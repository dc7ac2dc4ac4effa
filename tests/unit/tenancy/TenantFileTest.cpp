#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tenancy/TenantFile.h"

using agora::TenantFile;
using agora::TenantFileError;

TEST(TenantFile, ParsesTheSpecExample) {
    auto f = TenantFile::parse(R"(slug = "cooking"
name = "Seasoned Advice"
hosts = ["cooking.localhost"]
theme = "default"
plugins = ["abilities", "reviews", "flags"]

[settings]
"site.tagline" = "Questions about cooking"
"rate_limit.new_user.questions_per_day" = 3

[abilities.edit_posts]
edit_score = 0.95
)",
                               "cooking.toml");
    EXPECT_EQ(f.slug, "cooking");
    EXPECT_EQ(f.name, "Seasoned Advice");
    ASSERT_EQ(f.hosts.size(), 1u);
    EXPECT_EQ(f.plugins.size(), 3u);
    EXPECT_EQ(f.settings.at("site.tagline"), "Questions about cooking");
    EXPECT_EQ(f.settings.at("rate_limit.new_user.questions_per_day"), 3);
    EXPECT_DOUBLE_EQ(f.settings.at("abilities.edit_posts.edit_score").get<double>(), 0.95);
}

TEST(TenantFile, UnknownKeyNamesFileLineAndKey) {
    try {
        TenantFile::parse("slug = \"a\"\nhosts = [\"a.localhost\"]\ncolour = \"red\"\n", "a.toml");
        FAIL() << "expected an error";
    } catch (const TenantFileError& e) {
        EXPECT_STREQ(e.what(), "a.toml:3: unknown key \"colour\"");
    }
}

TEST(TenantFile, WrongTypeIsAnError) {
    EXPECT_THROW(TenantFile::parse("slug = 3\nhosts = [\"a\"]\n", "x.toml"), TenantFileError);
    EXPECT_THROW(TenantFile::parse("slug = \"a\"\nhosts = \"a\"\n", "x.toml"), TenantFileError);
}

TEST(TenantFile, SyntaxErrorHasLine) {
    try {
        TenantFile::parse("slug = \"a\"\nhosts = [\n", "bad.toml");
        FAIL();
    } catch (const TenantFileError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.toml:"), std::string::npos);
    }
}

TEST(TenantFile, ExportRoundTrips) {
    TenantFile f;
    f.slug = "writing";
    f.name = "Writers \"Desk\"";
    f.hosts = {"writing.localhost", "w.localhost"};
    f.plugins = {"abilities"};
    f.settings["site.tagline"] = "Words";
    f.settings["limits.tags_max"] = 4;
    f.settings["abilities.edit_posts.edit_score"] = 0.9;
    auto back = TenantFile::parse(f.toToml(), "export.toml");
    EXPECT_EQ(back.slug, f.slug);
    EXPECT_EQ(back.name, f.name);
    EXPECT_EQ(back.hosts, f.hosts);
    EXPECT_EQ(back.plugins, f.plugins);
    EXPECT_EQ(back.settings, f.settings);
}

// Found by the tenant_toml fuzz target: the export wrote control characters raw, NaN and
// infinity as null, and ability names and criteria unquoted, so `agora tenant export` could
// write a file that `agora tenant apply` refuses or reads differently.
TEST(TenantFile, ExportWritesWhatTomlCannotHoldRawSoItParsesBack) {
    TenantFile f;
    f.slug = "esc";
    f.name = "bell \a, cr \r, tab \t, del \x7f, nul-free \x01 and \xc3\xa9";
    f.hosts = {"esc.localhost"};
    f.settings["site.tagline"] = "line one\nline two \x1b[0m";
    f.settings["weights.nan"] = std::numeric_limits<double>::quiet_NaN();
    f.settings["weights.big"] = std::numeric_limits<double>::infinity();
    f.settings["weights.small"] = -std::numeric_limits<double>::infinity();
    f.settings["abilities.needs quoting.criterion.with.dots"] = 3;
    f.settings["abilities.edit_posts.edit_score"] = nullptr;
    f.settings["abilities.edit_posts.post_score"] = "none";  // a string, not "unused"
    auto text = f.toToml();
    TenantFile back;
    ASSERT_NO_THROW(back = TenantFile::parse(text, "export.toml")) << text;
    EXPECT_EQ(back.name, f.name);
    EXPECT_EQ(back.settings.at("site.tagline"), f.settings.at("site.tagline"));
    EXPECT_TRUE(std::isnan(back.settings.at("weights.nan").get<double>())) << text;
    EXPECT_EQ(back.settings.at("weights.big"), f.settings.at("weights.big"));
    EXPECT_EQ(back.settings.at("weights.small"), f.settings.at("weights.small"));
    EXPECT_EQ(back.settings.at("abilities.needs quoting.criterion.with.dots"), 3);
    EXPECT_TRUE(back.settings.at("abilities.edit_posts.edit_score").is_null());
    EXPECT_EQ(back.settings.at("abilities.edit_posts.post_score"), "none");
    // Plain names stay bare, as an operator would write them.
    EXPECT_NE(text.find("[abilities.edit_posts]\nedit_score = \"none\""), std::string::npos)
        << text;
}
