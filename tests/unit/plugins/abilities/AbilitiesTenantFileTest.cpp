// Tenant files carry ability thresholds as [abilities.ID] tables; TOML has no null, so an
// unused criterion is written "none" and read back as null.
#include <gtest/gtest.h>

#include "tenancy/TenantFile.h"

namespace agora {

namespace {

TEST(AbilitiesTenantFile, UnusedCriterionRoundTripsAsNone) {
    auto f = TenantFile::parse(R"(slug = "t"
hosts = ["t.localhost"]
plugins = ["abilities"]

[abilities.edit_posts]
edit_score = "none"
post_score = 0.75
)",
                               "t.toml");
    ASSERT_TRUE(f.settings.count("abilities.edit_posts.edit_score"));
    EXPECT_TRUE(f.settings.at("abilities.edit_posts.edit_score").is_null());
    EXPECT_DOUBLE_EQ(f.settings.at("abilities.edit_posts.post_score").get<double>(), 0.75);
    auto text = f.toToml();
    EXPECT_NE(text.find("edit_score = \"none\""), std::string::npos) << text;
    auto again = TenantFile::parse(text, "again.toml");
    EXPECT_EQ(json(again.settings), json(f.settings));
}

}  // namespace

}  // namespace agora
