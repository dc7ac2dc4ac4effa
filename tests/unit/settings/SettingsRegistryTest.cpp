#include <gtest/gtest.h>

#include "settings/SettingsRegistry.h"
#include "util/Error.h"

using namespace agora;

class SettingsRegistryTest : public ::testing::Test {
protected:
    void SetUp() override { registerCoreSettings(registry); }
    SettingsRegistry registry;
};

TEST_F(SettingsRegistryTest, AcceptsValidValues) {
    EXPECT_EQ(registry.validate("limits.tags_max", 4), 4);
    EXPECT_EQ(registry.validate("theme.primary_color", "#abcdef"), "#abcdef");
    EXPECT_EQ(registry.validate("site.tagline", "hello"), "hello");
}

TEST_F(SettingsRegistryTest, UnknownKeyIsNamed) {
    try {
        registry.validate("site.nope", 1);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::Invalid);
        EXPECT_EQ(e.field(), "site.nope");
    }
}

TEST_F(SettingsRegistryTest, OutOfBoundsAndWrongTypesAreRefused) {
    EXPECT_THROW(registry.validate("limits.tags_max", 11), Error);
    EXPECT_THROW(registry.validate("limits.tags_max", 0), Error);
    EXPECT_THROW(registry.validate("limits.tags_max", "4"), Error);
    EXPECT_THROW(registry.validate("limits.tags_max", 2.5), Error);
    EXPECT_THROW(registry.validate("theme.primary_color", "red"), Error);
    EXPECT_THROW(registry.validate("theme.primary_color", "#abcdefg"), Error);
    EXPECT_THROW(registry.validate("site.tagline", std::string(161, 'x')), Error);
    EXPECT_THROW(registry.validate("site.tagline", nullptr), Error);
}

TEST_F(SettingsRegistryTest, DuplicateRegistrationIsAHardError) {
    SettingDef d;
    d.key = "site.tagline";
    EXPECT_THROW(registry.add(d), std::logic_error);
}

TEST(ErrorMapping, EveryKindHasItsStatus) {
    EXPECT_EQ(httpStatusFor(ErrorCode::BadRequest), 400);
    EXPECT_EQ(httpStatusFor(ErrorCode::Unauthorized), 401);
    EXPECT_EQ(httpStatusFor(ErrorCode::Forbidden), 403);
    EXPECT_EQ(httpStatusFor(ErrorCode::NotFound), 404);
    EXPECT_EQ(httpStatusFor(ErrorCode::MethodNotAllowed), 405);
    EXPECT_EQ(httpStatusFor(ErrorCode::Conflict), 409);
    EXPECT_EQ(httpStatusFor(ErrorCode::PayloadTooLarge), 413);
    EXPECT_EQ(httpStatusFor(ErrorCode::Invalid), 422);
    EXPECT_EQ(httpStatusFor(ErrorCode::RateLimited), 429);
    EXPECT_EQ(httpStatusFor(ErrorCode::Unavailable), 503);
    EXPECT_EQ(httpStatusFor(ErrorCode::Internal), 500);
}
