#include "migrate/OnlineApplier.h"

#include <gtest/gtest.h>

#include "migrate/TableChecksums.h"

using agora::migrate::OnlineApplier;
using agora::migrate::TableChecksums;

TEST(OnlineApplier, ParsesPostgresDurations) {
    EXPECT_EQ(OnlineApplier::parseDurationMs("500ms"), 500);
    EXPECT_EQ(OnlineApplier::parseDurationMs("2s"), 2000);
    EXPECT_EQ(OnlineApplier::parseDurationMs("1min"), 60000);
    EXPECT_EQ(OnlineApplier::parseDurationMs("1h"), 3600000);
    EXPECT_EQ(OnlineApplier::parseDurationMs("1d"), 86400000);
    EXPECT_EQ(OnlineApplier::parseDurationMs("250"), 250);  // bare numbers are milliseconds
    EXPECT_EQ(OnlineApplier::parseDurationMs("0"), 0);      // disabled
    EXPECT_EQ(OnlineApplier::parseDurationMs(""), 0);
}

TEST(OnlineApplier, StatementTimeoutIsSizedFromTheRehearsal) {
    // Never rehearsed (a staging copy, --unrehearsed, the rehearsal itself): the default.
    EXPECT_EQ(OnlineApplier::statementTimeoutMs(std::nullopt, 60'000), 60'000);
    // Three times the production estimate, at least 10 s, at most an hour.
    EXPECT_EQ(OnlineApplier::statementTimeoutMs(20'000, 60'000), 60'000);
    EXPECT_EQ(OnlineApplier::statementTimeoutMs(120, 60'000), 10'000);
    EXPECT_EQ(OnlineApplier::statementTimeoutMs(40'000, 60'000), 120'000);
    EXPECT_EQ(OnlineApplier::statementTimeoutMs(7'200'000, 60'000), 3'600'000);
}

TEST(OnlineApplier, BackoffGrowsExponentiallyUpToTheCapWithJitter) {
    for (int i = 0; i < 50; ++i) {
        int first = OnlineApplier::backoffMs(2, 100, 5000);
        EXPECT_GE(first, 100);
        EXPECT_LE(first, 150);
        int third = OnlineApplier::backoffMs(4, 100, 5000);
        EXPECT_GE(third, 400);
        EXPECT_LE(third, 600);
        int capped = OnlineApplier::backoffMs(30, 100, 5000);
        EXPECT_GE(capped, 5000);
        EXPECT_LE(capped, 7500);
    }
}

TEST(TableChecksums, DifferencesNameEveryMismatch) {
    TableChecksums::Sums a = {{"posts", {10, "aaaa"}}, {"members", {3, "bbbb"}}};
    EXPECT_TRUE(TableChecksums::differences(a, a).empty());
    TableChecksums::Sums b = {{"posts", {10, "cccc"}}, {"votes", {0, "dddd"}}};
    auto d = TableChecksums::differences(a, b);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0], "members: missing");
    EXPECT_NE(d[1].find("posts: expected 10 rows md5 aaaa"), std::string::npos);
    EXPECT_EQ(d[2], "votes: unexpected table");
    EXPECT_EQ(TableChecksums::fromJson(TableChecksums::toJson(a)), a);
}
