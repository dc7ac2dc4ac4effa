// What plugins cache in Redis is signed by the host; anything else read back is a miss.
#include <gtest/gtest.h>

#include "plugins/CacheSigning.h"
#include "util/Crypto.h"

namespace agora {

namespace {

const std::string kSecret = "network secret";

TEST(CacheSigningTest, ASignedValueOpensUnderItsKey) {
    crypto::init();
    auto stored = CacheSigning::sign(kSecret, "ab:{t}:1", R"({"grants":["x"]})");
    EXPECT_EQ(stored.rfind("s1.", 0), 0u);
    EXPECT_EQ(CacheSigning::open(kSecret, "ab:{t}:1", stored), R"({"grants":["x"]})");
    EXPECT_EQ(CacheSigning::open(kSecret, "k", CacheSigning::sign(kSecret, "k", "")), "");
}

TEST(CacheSigningTest, ForgedCopiedOrAlteredValuesDoNotOpen) {
    crypto::init();
    auto stored = CacheSigning::sign(kSecret, "ab:{t}:1", R"({"grants":[]})");
    auto altered = stored.substr(0, stored.size() - 3) + "\"x\"]}";
    EXPECT_EQ(CacheSigning::open(kSecret, "ab:{t}:1", altered), std::nullopt);
    EXPECT_EQ(CacheSigning::open(kSecret, "ab:{t}:2", stored), std::nullopt) << "another key";
    EXPECT_EQ(CacheSigning::open("other secret", "ab:{t}:1", stored), std::nullopt);
    EXPECT_EQ(CacheSigning::open(kSecret, "ab:{t}:1", R"({"grants":["x"]})"), std::nullopt);
    EXPECT_EQ(CacheSigning::open(kSecret, "k", "s1." + std::string(64, '0') + ".v"), std::nullopt);
    EXPECT_EQ(CacheSigning::open(kSecret, "k", "s1.short.v"), std::nullopt);
    EXPECT_EQ(CacheSigning::open(kSecret, "k", ""), std::nullopt);
}

TEST(CacheSigningTest, CountersFromIncrPassAsTheyAre) {
    EXPECT_EQ(CacheSigning::open(kSecret, "abv:{t}", "42"), "42");
    EXPECT_EQ(CacheSigning::open(kSecret, "abv:{t}", "-3"), "-3");
    EXPECT_EQ(CacheSigning::open(kSecret, "abv:{t}", "4 2"), std::nullopt);
}

}  // namespace

}  // namespace agora
