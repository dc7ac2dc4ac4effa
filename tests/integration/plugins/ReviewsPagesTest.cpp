// The reviews plugin's HTML pages: the "Suggest edit" link on the question page, the form with
// its no-JavaScript diff preview, the queue, one suggestion side by side (three ways when the
// post moved on), the review forms with their flash and error answers, CSRF on every form, and
// member text shown as text.
#include <gmock/gmock.h>

#include "plugins/ReviewsTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class ReviewsPagesTest : public ReviewsTest {
protected:
    static std::string formPath(int64_t post) {
        return "/posts/" + std::to_string(post) + "/suggest-edit";
    }
    static int64_t idFromLocation(const HttpResult& r) {
        auto loc = r.header("Location");
        auto slash = loc.rfind('/');
        return slash == std::string::npos ? 0 : std::stoll(loc.substr(slash + 1));
    }
};

TEST_F(ReviewsPagesTest, QuestionPageOffersSuggestEditToThoseWhoCantEdit) {
    auto t = reviewsTenant("rvplink");
    auto author = member(t);
    int64_t q = askId(author.api, "find the link");
    std::string link = "href=\"" + formPath(q) + "\"";
    auto reader = server().browserClient(t, server().createUser(t));
    auto page = reader.get("/questions/" + std::to_string(q));
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr(link));
    EXPECT_THAT(page.body, HasSubstr("href=\"/review/suggested-edits\"")) << "the nav link";
    auto own = server().browserClient(t, author.user).get("/questions/" + std::to_string(q));
    ASSERT_EQ(own.status, 200) << own;
    EXPECT_THAT(own.body, HasSubstr("find the link")) << "the question itself is shown";
    EXPECT_THAT(own.body, Not(HasSubstr(link))) << "the author edits directly";
    auto anonymous = server().client(t).get("/questions/" + std::to_string(q));
    ASSERT_EQ(anonymous.status, 200) << anonymous;
    EXPECT_THAT(anonymous.body, HasSubstr("find the link"));
    EXPECT_THAT(anonymous.body, Not(HasSubstr(link)));
}

TEST_F(ReviewsPagesTest, FormPreviewsTheDiffAndSubmitsWithCsrf) {
    auto t = reviewsTenant("rvpform");
    auto author = member(t);
    auto suggester_user = server().createUser(t);
    int64_t q = askId(author.api, "fold the dough", {"bread"});
    auto browser = server().browserClient(t, suggester_user);

    auto form = browser.get(formPath(q));
    ASSERT_EQ(form.status, 200) << form;
    EXPECT_THAT(form.body, HasSubstr("value=\"" + title("fold the dough") + "\""))
        << "prefilled with the current post";
    EXPECT_THAT(form.body, HasSubstr(body("fold the dough") + "</textarea>"));
    EXPECT_THAT(form.body, HasSubstr("value=\"bread\""));
    EXPECT_THAT(form.body, HasSubstr("name=\"_csrf\" value=\"" + form.csrfMeta() + "\""));
    EXPECT_THAT(form.body, HasSubstr("name=\"preview\""));

    Form fields = {{"_csrf", form.csrfMeta()},
                   {"title", title("fold the dough gently")},
                   {"body", body("fold the dough") + " Every half hour."},
                   {"tags", "bread"},
                   {"comment", "Added timing"}};
    auto before = reviewState(t);
    auto with_preview = fields;
    with_preview.push_back({"preview", "1"});
    auto previewed = browser.postForm(formPath(q), with_preview);
    ASSERT_EQ(previewed.status, 200) << previewed;
    EXPECT_THAT(previewed.body, HasSubstr("<ins>gently </ins>"));
    EXPECT_THAT(previewed.body, HasSubstr("Every half hour.</ins>"));
    EXPECT_THAT(previewed.body, HasSubstr("value=\"Added timing\"")) << "the form keeps its values";
    EXPECT_EQ(reviewState(t), before) << "a preview writes nothing";

    // Bytes that aren't UTF-8 are the host's 400, not a failure deep in the plugin.
    auto not_utf8 = fields;
    not_utf8[2].second = body("fold the dough") + " \xff\xfe broken";
    auto bad_bytes = browser.postForm(formPath(q), not_utf8);
    EXPECT_EQ(bad_bytes.status, 400) << bad_bytes;
    EXPECT_EQ(reviewState(t), before);

    // A refused submission shows the form again with the reason and a 422.
    auto bad = fields;
    bad[4].second = "";
    auto refused_page = browser.postForm(formPath(q), bad);
    EXPECT_EQ(refused_page.status, 422) << refused_page;
    EXPECT_THAT(refused_page.body, HasSubstr("class=\"error\""));
    EXPECT_EQ(reviewState(t), before);

    // Without the CSRF token the host refuses the post before the plugin runs.
    auto no_csrf = fields;
    no_csrf.erase(no_csrf.begin());
    EXPECT_EQ(browser.postForm(formPath(q), no_csrf).status, 403);
    EXPECT_EQ(reviewState(t), before);

    auto sent = browser.postForm(formPath(q), fields);
    ASSERT_EQ(sent.status, 303) << sent;
    int64_t id = idFromLocation(sent);
    EXPECT_EQ(sent.header("Location"), pagePath(id));
    EXPECT_EQ(textIn(t, "SELECT state FROM {s}.suggested_edits WHERE id = $1", id), "pending");
    EXPECT_EQ(scalarIn(t, "SELECT suggester_id FROM {s}.suggested_edits WHERE id = $1", id),
              suggester_user.id);
    auto shown = browser.get(pagePath(id));
    EXPECT_THAT(shown.body, HasSubstr("waiting for review")) << "the flash";
    EXPECT_THAT(shown.body, HasSubstr("Retract my suggestion"));
    EXPECT_THAT(shown.body, Not(HasSubstr("Approve and apply"))) << "not for one's own";

    // The post now has one pending: the form says so instead of taking a second.
    auto other = server().browserClient(t, server().createUser(t));
    auto busy = other.get(formPath(q));
    ASSERT_EQ(busy.status, 200) << busy;
    EXPECT_THAT(busy.body, HasSubstr(pagePath(id)));
    EXPECT_THAT(busy.body, Not(HasSubstr("Submit suggestion")));
}

TEST_F(ReviewsPagesTest, WhoGetsTheForm) {
    auto t = reviewsTenant("rvpwho");
    auto author = member(t);
    int64_t q = askId(author.api, "who suggests");
    auto anonymous = server().client(t).get(formPath(q));
    EXPECT_EQ(anonymous.status, 401) << anonymous;
    auto own = server().browserClient(t, author.user).get(formPath(q));
    EXPECT_EQ(own.status, 303) << own;
    EXPECT_EQ(own.header("Location"), "/posts/" + std::to_string(q) + "/edit");
    EXPECT_EQ(server().browserClient(t, server().createUser(t)).get(formPath(999999)).status, 404);
}

TEST_F(ReviewsPagesTest, QueueAndDetailShowMemberTextAsText) {
    auto t = reviewsTenant("rvpxss");
    auto author = member(t);
    auto suggester = member(t);
    auto mod_user = server().createUser(t, "moderator");
    int64_t q = askId(author.api, "escape things");
    const std::string evil_title = "<script>alert('title')</script> How do I escape it";
    const std::string evil_comment = "<img src=x onerror=alert(1)> summary";
    auto s = suggested(suggester.api, q,
                       {{"title", evil_title},
                        {"body", body("escape things") + " <script>alert('body')</script>"},
                        {"comment", evil_comment}});
    int64_t id = s["id"].get<int64_t>();
    auto mod = server().browserClient(t, mod_user);

    auto queue = mod.get("/review/suggested-edits");
    ASSERT_EQ(queue.status, 200) << queue;
    EXPECT_THAT(queue.body, HasSubstr("href=\"" + pagePath(id) + "\""));
    EXPECT_THAT(queue.body, HasSubstr("&lt;img src=x onerror=alert(1)&gt; summary"));
    EXPECT_THAT(injectedMarkup(queue.body), IsEmpty());
    for (const char* state : {"approved", "rejected", "retracted"})
        EXPECT_EQ(mod.get(std::string("/review/suggested-edits?state=") + state).status, 200);
    EXPECT_EQ(mod.get("/review/suggested-edits?state=bogus").status, 422);

    auto detail = mod.get(pagePath(id));
    ASSERT_EQ(detail.status, 200) << detail;
    EXPECT_THAT(injectedMarkup(detail.body), IsEmpty());
    EXPECT_THAT(detail.body, HasSubstr("&lt;script&gt;alert"));
    EXPECT_THAT(detail.body, HasSubstr("class=\"suggestion-compare\""));
    EXPECT_THAT(detail.body, HasSubstr("<ins>"));
    EXPECT_THAT(detail.body, HasSubstr("action=\"" + pagePath(id, "approve") + "\""));
    EXPECT_THAT(detail.body, HasSubstr("action=\"" + pagePath(id, "reject") + "\""));
    EXPECT_THAT(detail.body, HasSubstr("name=\"_csrf\" value=\"" + detail.csrfMeta() + "\""));

    // Not theirs to see: a member with no part in it.
    auto outsider = server().browserClient(t, server().createUser(t));
    EXPECT_EQ(outsider.get(pagePath(id)).status, 404);
    EXPECT_EQ(server().client(t).get("/review/suggested-edits").status, 401);
}

TEST_F(ReviewsPagesTest, ReviewFormsDecideAndExplainRefusals) {
    auto t = reviewsTenant("rvpact");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "review by form");
    int64_t id = suggestedId(suggester.api, q);
    auto browser = server().browserClient(t, author.user);
    auto page = browser.get(pagePath(id));
    ASSERT_EQ(page.status, 200) << page;
    std::string csrf = page.csrfMeta();
    auto before = reviewState(t);

    EXPECT_EQ(browser.postForm(pagePath(id, "approve"), {{"comment", "no token"}}).status, 403);
    auto no_comment = browser.postForm(pagePath(id, "reject"), {{"_csrf", csrf}, {"comment", ""}});
    EXPECT_EQ(no_comment.status, 422) << no_comment;
    EXPECT_THAT(no_comment.body, HasSubstr("class=\"error\""));
    EXPECT_EQ(reviewState(t), before);

    auto approved =
        browser.postForm(pagePath(id, "approve"), {{"_csrf", csrf}, {"comment", "Thanks!"}});
    ASSERT_EQ(approved.status, 303) << approved;
    EXPECT_EQ(approved.header("Location"), pagePath(id));
    EXPECT_EQ(textIn(t, "SELECT state FROM {s}.suggested_edits WHERE id = $1", id), "approved");
    auto shown = browser.get(pagePath(id));
    EXPECT_THAT(shown.body, HasSubstr("Approved"));
    EXPECT_THAT(shown.body, HasSubstr("Thanks!"));
    EXPECT_THAT(shown.body, Not(HasSubstr("Approve and apply")));

    auto twice = browser.postForm(pagePath(id, "approve"), {{"_csrf", csrf}});
    EXPECT_EQ(twice.status, 409) << twice;
    EXPECT_THAT(twice.body, HasSubstr("already approved"));
}

TEST_F(ReviewsPagesTest, StaleSuggestionShowsThreeColumnsAndRejectsAsOutdated) {
    auto t = reviewsTenant("rvpstale");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "see three ways");
    int64_t id = suggested(suggester.api, q,
                           {{"body", body("see three ways") + " Suggested words."},
                            {"comment", "Suggested"}})["id"]
                     .get<int64_t>();
    expect(author.api.patch("/api/v1/posts/" + std::to_string(q),
                            {{"body", body("see three ways") + " Author words."}}),
           200, "direct edit");
    auto browser = server().browserClient(t, author.user);
    auto page = browser.get(pagePath(id));
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("three-way"));
    EXPECT_THAT(page.body, HasSubstr("When suggested"));
    EXPECT_THAT(page.body, HasSubstr("Author words.</ins>"));
    EXPECT_THAT(page.body, HasSubstr("Suggested words.</ins>"));
    EXPECT_THAT(page.body, Not(HasSubstr("Approve and apply")));
    EXPECT_THAT(page.body, HasSubstr("name=\"outdated\""));

    auto stale = browser.postForm(pagePath(id, "approve"), {{"_csrf", page.csrfMeta()}});
    EXPECT_EQ(stale.status, 409) << stale;
    auto rejected = browser.postForm(
        pagePath(id, "reject"),
        {{"_csrf", page.csrfMeta()}, {"comment", "Superseded"}, {"outdated", "1"}});
    EXPECT_EQ(rejected.status, 303) << rejected;
    EXPECT_EQ(scalarIn(t,
                       "SELECT count(*) FROM {s}.suggested_edits WHERE id = $1 AND state = "
                       "'rejected' AND outdated",
                       id),
              1);
}

}  // namespace

}  // namespace agora::test
