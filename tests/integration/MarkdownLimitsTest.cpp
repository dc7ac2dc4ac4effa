// Markdown bombs over HTTP: refused with 422 markdown_too_complex naming the field, quickly,
// before anything is written; previews checked the same way and rate limited.
#include <chrono>
#include <ctime>

#include "ContentTestSupport.h"

namespace agora::test {
namespace {

using ::testing::HasSubstr;

std::string repeat(const std::string& s, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

// The 24 KB body: 2,000 columns over 8,000 one-character lines (175 MB of HTML).
std::string tableBomb() {
    return repeat("|a", 2000) + "|\n" + repeat("|-", 2000) + "|\n" + repeat("a\n", 8000);
}

class MarkdownLimitsTest : public ContentTest {};

TEST_F(MarkdownLimitsTest, TheTableBombIsRefusedEverywhereAndNothingIsWritten) {
    auto& s = server();
    auto t = roomyTenant("mdbomb");
    auto author = s.apiClient(t, s.createUser(t));
    int64_t q = askId(author, "bake bread");
    int64_t a = answerId(author, q, "knead dough");
    auto before = state(t);

    auto start = std::chrono::steady_clock::now();
    auto asked = author.post(
        "/api/v1/questions",
        {{"title", title("survive a bomb")}, {"body", tableBomb()}, {"tags", {"general"}}});
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(refused(asked, 422, "markdown_too_complex", "body"));
    EXPECT_THAT(asked.errorMessage(), HasSubstr("64 columns"));
    EXPECT_LT(ms, 2000) << "refusing takes one scan, not cmark's minute";
    std::cout << "[ figures ] 24 KB table bomb refused in " << ms << " ms\n";

    EXPECT_TRUE(
        refused(author.post(path("/api/v1/questions/", q, "/answers"), {{"body", tableBomb()}}),
                422, "markdown_too_complex", "body"));
    EXPECT_TRUE(refused(author.patch(path("/api/v1/posts/", a), {{"body", tableBomb()}}), 422,
                        "markdown_too_complex", "body"));
    // Comments are short, but 120 columns fit in them.
    std::string wide = repeat("|a", 120) + "|\n" + repeat("|-", 120) + "|\n";
    EXPECT_TRUE(refused(author.post(path("/api/v1/posts/", q, "/comments"), {{"body", wide}}), 422,
                        "markdown_too_complex", "body"));
    EXPECT_TRUE(refused(
        author.post(path("/api/v1/posts/", q, "/comments"), {{"body", repeat("> ", 40) + "deep"}}),
        422, "markdown_too_complex", "body"));
    EXPECT_EQ(state(t), before);
}

TEST_F(MarkdownLimitsTest, AnEditRefusedForItsMarkdownKeepsThePostAndItsRevisions) {
    auto& s = server();
    auto t = roomyTenant("mdedit");
    auto author = s.apiClient(t, s.createUser(t));
    int64_t q = askId(author, "fold pastry");
    std::string html = textIn(t, "SELECT body_html FROM {s}.posts WHERE id = $1", q);
    auto r =
        author.patch(path("/api/v1/posts/", q), {{"body", "Fine words. " + repeat("www._", 5000)}});
    EXPECT_TRUE(refused(r, 422, "markdown_too_complex", "body"));
    EXPECT_EQ(textIn(t, "SELECT body_html FROM {s}.posts WHERE id = $1", q), html);
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.revisions WHERE post_id = $1", q), 1);
    // An edit of the title alone keeps the stored HTML (it isn't rendered again).
    auto retitled = author.patch(path("/api/v1/posts/", q), {{"title", title("fold puff pastry")}});
    EXPECT_EQ(retitled.status, 200) << retitled;
    EXPECT_EQ(textIn(t, "SELECT body_html FROM {s}.posts WHERE id = $1", q), html);
}

TEST_F(MarkdownLimitsTest, PreviewsCheckLengthAndLimitsBeforeRendering) {
    auto& s = server();
    auto t = roomyTenant("mdprev");
    auto user = s.createUser(t);
    auto browser = s.browserClient(t, user);
    auto csrf = browser.fetchCsrf("/ask");
    auto before = state(t);
    auto preview = [&](const std::string& body) {
        return browser.postForm("/ask", {{"_csrf", csrf},
                                         {"title", title("preview things")},
                                         {"body", body},
                                         {"tags", "general"},
                                         {"preview", "1"}});
    };
    auto ok = preview("Some **bold** words, long enough to be a body.");
    EXPECT_EQ(ok.status, 200) << ok;
    EXPECT_THAT(ok.body, HasSubstr("<strong>bold</strong>"));
    // Short drafts may be previewed; over the maximum they may not (1 MiB used to render).
    EXPECT_EQ(preview("short").status, 200);
    auto long_one = preview(std::string(30001, 'x'));
    EXPECT_EQ(long_one.status, 422) << long_one;
    EXPECT_THAT(long_one.body, HasSubstr("at most 30000 characters"));
    auto bomb = preview(tableBomb());
    EXPECT_EQ(bomb.status, 422) << bomb;
    EXPECT_THAT(bomb.body, HasSubstr("64 columns"));
    // The edit form's preview too.
    auto api = s.apiClient(t, user);
    int64_t q = askId(api, "preview edits");
    before = state(t);
    auto edit_csrf = browser.fetchCsrf(path("/posts/", q, "/edit"));
    auto edit = browser.postForm(path("/posts/", q, "/edit"), {{"_csrf", edit_csrf},
                                                               {"title", title("preview edits")},
                                                               {"body", tableBomb()},
                                                               {"tags", "general"},
                                                               {"preview", "1"}});
    EXPECT_EQ(edit.status, 422) << edit;
    EXPECT_EQ(state(t), before);
}

TEST_F(MarkdownLimitsTest, PreviewsAreRateLimitedPerMember) {
    auto& s = server();
    auto t = s.createTenant("mdrate", [](TenantFile& f) {
        roomyLimits(f);
        f.settings["rate_limit.previews_per_minute"] = 3;
    });
    auto browser = s.browserClient(t, s.createUser(t));
    auto csrf = browser.fetchCsrf("/ask");
    auto preview = [&] {
        return browser.postForm("/ask", {{"_csrf", csrf},
                                         {"title", title("preview often")},
                                         {"body", "A body worth previewing, *again*."},
                                         {"tags", "general"},
                                         {"preview", "1"}});
    };
    // The window is a clock minute: if it turns while the four are sent, send them again.
    HttpResult last;
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::time_t window = std::time(nullptr) / 60;
        for (int i = 0; i < 3; ++i)
            preview();
        last = preview();
        if (std::time(nullptr) / 60 == window)
            break;
    }
    EXPECT_EQ(last.status, 429) << last;
    EXPECT_FALSE(last.header("Retry-After").empty());
    EXPECT_THAT(last.body, HasSubstr("rate limit reached for previews"));
    // Another member is not held back.
    auto other = s.browserClient(t, s.createUser(t));
    auto other_csrf = other.fetchCsrf("/ask");
    auto theirs = other.postForm("/ask", {{"_csrf", other_csrf},
                                          {"title", title("preview once")},
                                          {"body", "Their own body to preview, once."},
                                          {"tags", "general"},
                                          {"preview", "1"}});
    EXPECT_EQ(theirs.status, 200) << theirs;
}

}  // namespace
}  // namespace agora::test
