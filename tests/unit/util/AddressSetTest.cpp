#include "util/AddressSet.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace agora {
namespace {

TEST(AddressSetTest, MatchesAddressesAndRanges) {
    auto set = AddressSet::parse("127.0.0.1, 10.0.0.0/8 ,::1, fd00::/8");
    EXPECT_TRUE(set.contains("127.0.0.1"));
    EXPECT_TRUE(set.contains("::ffff:127.0.0.1"));
    EXPECT_FALSE(set.contains("127.0.0.2"));
    EXPECT_TRUE(set.contains("10.200.3.4"));
    EXPECT_FALSE(set.contains("11.0.0.1"));
    EXPECT_TRUE(set.contains("::1"));
    EXPECT_TRUE(set.contains("fd12::5"));
    EXPECT_FALSE(set.contains("fe80::1"));
    EXPECT_FALSE(set.contains("not an address"));
    EXPECT_FALSE(set.contains(""));
}

TEST(AddressSetTest, OddPrefixesAndEmptyLists) {
    auto set = AddressSet::parse("192.168.1.128/25");
    EXPECT_TRUE(set.contains("192.168.1.200"));
    EXPECT_FALSE(set.contains("192.168.1.100"));
    EXPECT_TRUE(AddressSet::parse("").empty());
    EXPECT_FALSE(AddressSet::parse("").contains("127.0.0.1"));
    EXPECT_TRUE(AddressSet::parse("0.0.0.0/0").contains("8.8.8.8"));
}

TEST(AddressSetTest, RefusesWhatIsNotAnAddress) {
    EXPECT_THROW(AddressSet::parse("localhost"), std::invalid_argument);
    EXPECT_THROW(AddressSet::parse("10.0.0.0/33"), std::invalid_argument);
    EXPECT_THROW(AddressSet::parse("10.0.0.0/"), std::invalid_argument);
    EXPECT_THROW(AddressSet::parse("::1/129"), std::invalid_argument);
}

}  // namespace
}  // namespace agora
