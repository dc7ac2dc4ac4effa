// The rehearsal page: one self-contained file (nothing fetched, no scripts) with every step's
// timeline, rows touched, production estimate, and the slowest wait marked.
#include <gtest/gtest.h>

#include <regex>

#include "migrate/Rehearsal.h"

using agora::migrate::Rehearsal;
using nlohmann::json;

namespace {

json step(const std::string& name, int64_t start, int64_t end, int64_t wait, int64_t est) {
    json waits = json::array();
    if (wait > 0)
        waits.push_back({{"who", "write probe"},
                         {"relation", "members"},
                         {"mode", "RowExclusiveLock"},
                         {"wait_ms", wait},
                         {"end_ms", end}});
    return {{"step", name},
            {"ok", true},
            {"duration_ms", end - start},
            {"start_ms", start},
            {"end_ms", end},
            {"estimated_prod_ms", est},
            {"scale", 2.0},
            {"statement_timeout_ms", 60000},
            {"lock_timeouts", 0},
            {"rewritten", json::array({"members"})},
            {"rows", {{"inserted", 0}, {"updated", 250}, {"deleted", 0}}},
            {"locks", json::array({{{"relation", "members"},
                                    {"mode", "AccessExclusiveLock"},
                                    {"first_ms", start},
                                    {"last_ms", end},
                                    {"held_ms", end - start}}})},
            {"waits", waits},
            {"max_wait_ms", wait},
            {"max_wait", wait > 0 ? waits[0] : json(nullptr)}};
}

}  // namespace

TEST(RehearsalHtml, OneSelfContainedPageWithEveryStepAndTheSlowestWaitMarked) {
    json report = {{"tenant", "acme <&>"},
                   {"staging", "acme-staging"},
                   {"ok", true},
                   {"started_at", "2026-12-03 14:00:00"},
                   {"stage_ms", 900},
                   {"total_ms", 5000},
                   {"steps", json::array({step("090_token.sql", 0, 1200, 340, 2400),
                                          step("091_backfill.sql", 1200, 2000, 40, 1600),
                                          step("092_index.sql", 2000, 2100, 0, 200)})}};
    auto html = Rehearsal::renderHtml(report);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("</html>"), std::string::npos);
    for (const char* s : {"090_token.sql", "091_backfill.sql", "092_index.sql"})
        EXPECT_NE(html.find(s), std::string::npos) << s;
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_FALSE(std::regex_search(
        html, std::regex("(src|href)\\s*=\\s*['\"]?\\s*(https?:)?//", std::regex::icase)));
    EXPECT_EQ(html.find("http"), std::string::npos);
    // One inline SVG timeline per step, the slowest wait marked once, names escaped.
    size_t svgs = 0;
    for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1))
        ++svgs;
    EXPECT_EQ(svgs, 3u);
    auto marked = html.find("slowest wait");
    ASSERT_NE(marked, std::string::npos);
    EXPECT_EQ(html.find("slowest wait", marked + 1), std::string::npos);
    EXPECT_GT(marked, html.find("id='step-0'"));
    EXPECT_LT(marked, html.find("id='step-1'"));
    EXPECT_NE(html.find("acme &lt;&amp;&gt;"), std::string::npos);
    EXPECT_EQ(html.find("acme <&>"), std::string::npos);
    EXPECT_NE(html.find("write probe waited for RowExclusiveLock on members: 340 ms"),
              std::string::npos);
    EXPECT_NE(html.find("about 2.4 s on production"), std::string::npos);
    EXPECT_NE(html.find("250 updated"), std::string::npos);
}

TEST(RehearsalHtml, ARefusedRehearsalStillMakesAPage) {
    json report = {{"tenant", "acme"},
                   {"ok", false},
                   {"note", "refused by the lint (agora migrate lint):\nm/090.sql:1: truncate: x"},
                   {"steps", json::array()}};
    auto html = Rehearsal::renderHtml(report);
    EXPECT_NE(html.find("FAILED"), std::string::npos);
    EXPECT_NE(html.find("truncate"), std::string::npos);
}
