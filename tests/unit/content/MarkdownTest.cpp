// The Markdown renderer alone: ordinary text renders as before; each shape that makes
// cmark-gfm 0.29 blow up (the table bomb, nesting, quadratic rows and autolinks, a reference
// used thousands of times) is refused with 422 markdown_too_complex naming the field, fast.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "content/Markdown.h"
#include "content/MarkdownScan.h"
#include "util/Error.h"

namespace agora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

// The issue's bomb: a header and delimiter row of `columns` columns over `lines` one-character
// lines, each of which cmark pads to a full row of empty cells.
std::string tableBomb(size_t columns, size_t lines) {
    return repeat("|a", columns) + "|\n" + repeat("|-", columns) + "|\n" + repeat("a\n", lines);
}

struct Refusal {
    bool refused = false;
    std::string field, message;
    double ms = 0;
};

Refusal tryRender(const std::string& md, const std::string& field = "body",
                  const MarkdownLimits& limits = {}) {
    Refusal r;
    auto start = std::chrono::steady_clock::now();
    try {
        renderMarkdown(md, field, limits);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::Invalid);
        EXPECT_EQ(e.code(), "markdown_too_complex");
        EXPECT_EQ(httpStatusFor(e.kind()), 422);
        r.refused = true;
        r.field = e.field();
        r.message = e.what();
    }
    r.ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return r;
}

TEST(Markdown, OrdinaryTextRendersAsBefore) {
    EXPECT_EQ(renderMarkdown("Some *emphasis* and ~~gone~~."),
              "<p>Some <em>emphasis</em> and <del>gone</del>.</p>\n");
    EXPECT_THAT(renderMarkdown("see www.example.com and a@example.org"),
                HasSubstr("<a href=\"http://www.example.com\">"));
    EXPECT_THAT(renderMarkdown("| a | b |\n|---|:-:|\n| 1 | 2 |\n"),
                HasSubstr("<td align=\"center\">2</td>"));
    EXPECT_THAT(renderMarkdown("<script>alert(1)</script>\n\n[x](javascript:alert(1))"),
                Not(HasSubstr("<script")));
    EXPECT_THAT(renderMarkdown("- [x] done\n- [ ] not yet\n"), HasSubstr("checkbox"));
    // Tabs, quotes and lists a person writes stay well inside every limit.
    EXPECT_FALSE(tryRender("> quoted\n> > twice\n\n1. one\n   - nested\n     - deeper\n").refused);
}

TEST(Markdown, TheTableBombIsRefusedBeforeCmarkRuns) {
    // 2,000 columns over 8,000 lines: 24 KB that cmark turns into 175 MB of HTML.
    auto bomb = tableBomb(2000, 8000);
    ASSERT_LT(bomb.size(), 30000u) << "fits under the default limits.body_max";
    auto r = tryRender(bomb);
    EXPECT_TRUE(r.refused);
    EXPECT_EQ(r.field, "body");
    EXPECT_THAT(r.message, HasSubstr("at most 64 columns"));
    EXPECT_LT(r.ms, 1000) << "refusing is one linear scan";
}

TEST(Markdown, TablesAreBoundedInRowsAndCellsCountingThePadding) {
    // Within the column limit, rows still add up: 4 columns × 1,500 lines.
    auto rows = tryRender(tableBomb(4, 1500));
    EXPECT_TRUE(rows.refused);
    EXPECT_THAT(rows.message, HasSubstr("at most 1,000 rows"));
    // The padding multiplies: 40 columns × 600 one-character lines = 24,000 cells.
    auto cells = tryRender(tableBomb(40, 600));
    EXPECT_TRUE(cells.refused);
    EXPECT_THAT(cells.message, HasSubstr("20,000 cells"));
    // Two tables each under the limits, over it together.
    auto two = tableBomb(30, 400) + "\n" + tableBomb(30, 400);
    EXPECT_TRUE(tryRender(two).refused);
    // A real table of 10 columns and 500 rows is fine.
    std::string table = "|" + repeat(" h |", 10) + "\n|" + repeat("---|", 10) + "\n";
    for (int i = 0; i < 500; ++i)
        table += "|" + repeat(" cell |", 10) + "\n";
    auto ok = tryRender(table);
    EXPECT_FALSE(ok.refused) << ok.message;
}

TEST(Markdown, RowsWithThousandsOfPipesAreRefused) {
    // cmark splits a row in time quadratic in its pipes: 30,000 of them took 20 s.
    auto r = tryRender("a|b\n-|-\n" + repeat("|", 30000) + "\n");
    EXPECT_TRUE(r.refused);
    EXPECT_THAT(r.message, HasSubstr("64 cells"));
    // The header is parsed from the paragraph above the delimiter row.
    EXPECT_TRUE(tryRender(repeat("|", 30000) + "\n-|-\n").refused);
    // Pipes far from any table cost nothing and are left alone.
    EXPECT_FALSE(tryRender(repeat("|", 30000) + "\n").refused);
}

TEST(Markdown, ManyDelimiterRowsUnderOneParagraphAreRefused) {
    // Each line like "-|-" makes cmark re-read the whole paragraph above it.
    auto r = tryRender(repeat("x ", 20000) + "\n" + repeat("-|-\n-|-|-\n", 400));
    EXPECT_TRUE(r.refused);
    EXPECT_THAT(r.message, HasSubstr("separate tables"));
}

TEST(Markdown, NestingIsCappedAt32Levels) {
    EXPECT_FALSE(tryRender(repeat("> ", 32) + "deep enough\n").refused);
    auto quotes = tryRender(repeat(">", 30000) + " x\n");
    EXPECT_TRUE(quotes.refused);
    EXPECT_THAT(quotes.message, HasSubstr("32 levels"));
    EXPECT_TRUE(tryRender(repeat("- ", 33) + "x\n").refused);
    EXPECT_TRUE(tryRender(repeat("1. ", 33) + "x\n").refused);
    EXPECT_TRUE(tryRender(repeat("> - ", 17) + "x\n").refused);
}

TEST(Markdown, AutolinksRunTogetherAreRefused) {
    // 30 KB of "www._" took cmark's autolink extension 5 s; "a@" and trailing ")" likewise.
    EXPECT_TRUE(tryRender(repeat("www._", 6000)).refused);
    EXPECT_TRUE(tryRender(repeat("a@", 15000)).refused);
    EXPECT_TRUE(tryRender("http://a.b" + repeat(")", 30000)).refused);
    // Spaced out, the same addresses are ordinary links.
    auto spaced = tryRender(repeat("www.example.com ", 1000));
    EXPECT_FALSE(spaced.refused) << spaced.message;
}

TEST(Markdown, AReferenceUsedThousandsOfTimesRunsOutOfMemoryBudget) {
    // A 20 KB URL defined once and used 3,300 times: cmark copies it for every use.
    std::string md = "[a]: http://" + std::string(20000, 'x') + "\n\n" + repeat("[a]", 3300);
    auto r = tryRender(md, "body");
    EXPECT_TRUE(r.refused);
    EXPECT_THAT(r.message, HasSubstr("MiB to render"));
    // The renderer is whole afterwards: every block cmark held was released.
    EXPECT_EQ(renderMarkdown("fine"), "<p>fine</p>\n");
}

TEST(Markdown, OutputOverTheCapIsRefused) {
    MarkdownLimits small;
    small.max_html_bytes = 1000;
    auto r = tryRender(repeat("\"quoted\" ", 200), "comment", small);
    EXPECT_TRUE(r.refused);
    EXPECT_EQ(r.field, "comment");
    EXPECT_THAT(r.message, HasSubstr("more than 1,000 bytes of HTML"));
}

TEST(Markdown, TheMemoryBudgetStopsCmarkMidWayAndLeavesNothingBehind) {
    MarkdownLimits tight;
    tight.max_memory_bytes = 64 * 1024;
    std::string text = repeat("A paragraph with *some* words in it.\n\n", 2000);
    for (int i = 0; i < 50; ++i)
        EXPECT_TRUE(tryRender(text, "body", tight).refused);
    EXPECT_FALSE(tryRender(text).refused);
}

TEST(Markdown, ErrorsNameTheFieldAndTheLimit) {
    auto r = tryRender(tableBomb(100, 2), "answer");
    EXPECT_EQ(r.field, "answer");
    EXPECT_THAT(r.message, HasSubstr("answer: a table may have at most 64 columns"));
    MarkdownLimits tiny;
    tiny.max_source_bytes = 10;
    EXPECT_THAT(tryRender("more than ten bytes", "body", tiny).message,
                HasSubstr("longer than 10 bytes"));
}

TEST(MarkdownScan, RulesAboveLongPastesAreNotTables) {
    // "---" could start a one-column table, which pads nothing: 1,500 lines under it are fine.
    std::string paste = "Intro\n---\n";
    for (int i = 0; i < 1500; ++i)
        paste += "log line " + std::to_string(i) + "\n";
    auto refusal = scanMarkdown(paste, MarkdownLimits{});
    EXPECT_FALSE(refusal.has_value()) << refusal->message;
}

TEST(MarkdownScan, NeverRefusesOrdinaryDocuments) {
    // Long, varied, honest Markdown: tables, lists, quotes, links, code.
    std::string doc;
    for (int i = 0; i < 20; ++i)
        doc += "## Section " + std::to_string(i) +
               "\n\nText with a [link](http://example.com/a_(b)) and `code`.\n\n"
               "| col | other |\n| --- | ----- |\n| 1 | 2 |\n| 3 | 4 |\n\n"
               "> A quote\n> - with a list\n>   1. and numbers\n\n"
               "```\n| not | a | table |\n|---|---|---|\n```\n\n";
    auto refusal = scanMarkdown(doc, MarkdownLimits{});
    EXPECT_FALSE(refusal.has_value()) << refusal->message;
}

}  // namespace
}  // namespace agora
