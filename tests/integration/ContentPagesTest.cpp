// The HTML pages members read: whatever members type (titles, bodies, comments, edit summaries,
// display names, query strings) is shown as text, never as markup; and the anonymous page
// cache answers repeat visits without ever serving a page older than the last write.
#include <gmock/gmock.h>

#include <functional>

#include "ContentTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class ContentPagesTest : public ContentTest {
protected:
    // GETs `page` anonymously until the cache answers, checking that every answer on the way
    // already shows `shows`. A write drops the tenant's pages twice: on this server right after
    // COMMIT, and again when its own NOTIFY comes back from PostgreSQL a moment later, which may
    // drop the first copy stored in between; so "cached again" is awaited, "fresh" never is.
    static HttpResult untilCached(HttpClient& c, const std::string& page, const std::string& shows,
                                  const std::string& what) {
        HttpResult r;
        bool stale = false;
        bool cached = TestServer::waitFor(
            [&] {
                r = c.get(page);
                stale = r.status != 200 || r.body.find(shows) == std::string::npos;
                return stale || r.header("X-Cache") == "hit";
            },
            3000, 10);
        EXPECT_FALSE(stale) << what << ": a stale page (X-Cache: " << r.header("X-Cache")
                            << "), without \"" << shows << "\": " << r;
        EXPECT_TRUE(cached) << what << ": never served from the cache";
        return r;
    }
};

TEST_F(ContentPagesTest, MarkupInUserInputIsEscapedOnEveryPage) {
    auto& s = server();
    auto t = roomyTenant("xss");
    // A member whose display name is a script, signed up through the API as anyone could.
    auto evil = TestServer::newUserDetails("xss");
    const std::string evil_name = "<script>alert('name')</script>";
    auto signup = s.client(t).post("/api/v1/users", {{"username", evil.username},
                                                     {"email", evil.email},
                                                     {"password", evil.password},
                                                     {"display_name", evil_name}});
    ASSERT_EQ(signup.status, 201) << signup;
    evil.id = signup.json()["id"].get<int64_t>();
    EXPECT_EQ(signup.json()["display_name"], evil_name) << "stored as typed";
    auto api = s.apiClient(t, evil);
    auto reader = s.createUser(t);
    auto reader_api = s.apiClient(t, reader);

    // Tags are refused outright when they hold anything but letters, digits and + # . -
    auto before = state(t);
    for (const char* tag : {"<script>", "x\"onmouseover=alert(1)", "<img", "a>b"}) {
        auto r = api.post(
            "/api/v1/questions",
            {{"title", title("tag markup")}, {"body", body("tag markup")}, {"tags", {tag}}});
        EXPECT_TRUE(refused(r, 422, "invalid", "tags")) << tag;
    }
    EXPECT_EQ(state(t), before);

    const std::string evil_title = "<script>alert('title')</script><img src=x onerror=alert(1)>";
    const std::string evil_body =
        "<script>alert('body')</script>\n\n"
        "<img src=x onerror=alert('body')>\n\n"
        "Inline <b onmouseover=alert('b')>bold</b> and <iframe "
        "src=javascript:alert(2)></iframe>\n\n"
        "[click me](javascript:alert('link')) and <a href=\"javascript:alert(3)\">raw link</a>\n\n"
        "`<script>alert('code')</script>`\n";
    auto q = ask(api, evil_title, evil_body, {"xss"});
    int64_t id = q["id"].get<int64_t>();
    EXPECT_EQ(q["title"], evil_title) << "the API returns what was typed, as JSON text";
    EXPECT_EQ(q["body"], evil_body);
    int64_t a =
        answer(api, id, "<svg onload=alert('answer')></svg> " + evil_body)["id"].get<int64_t>();
    comment(api, id, "<img src=x onerror=alert('comment')> <script>alert('comment')</script>");
    comment(reader_api, a, "\"><script>alert('attr')</script> breaking out of an attribute");
    ASSERT_EQ(api.patch(path("/api/v1/posts/", id),
                        {{"body", evil_body + "\n<script>alert('edit')</script>"},
                         {"comment", "<script>alert('summary')</script>"}})
                  .status,
              200);

    auto anonymous = s.client(t);
    auto signed_in = s.browserClient(t, reader);
    const std::vector<std::string> pages = {
        path("/questions/", id),
        "/",
        "/?sort=newest",
        "/?tag=xss",
        "/?tag=%3Cscript%3Ealert(%27query%27)%3C%2Fscript%3E",
        "/?sort=%3Cscript%3E",
        path("/users/", evil.id),
        path("/posts/", id, "/history"),
        path("/posts/", a, "/history"),
        "/tags",
    };
    for (auto* c : {&anonymous, &signed_in}) {
        const char* who = c == &anonymous ? "anonymous" : "signed in";
        for (const auto& p : pages) {
            auto r = c->get(p);
            EXPECT_TRUE(r.status == 200 || r.status == 422) << who << " " << p << ": " << r;
            EXPECT_THAT(injectedMarkup(r.body), IsEmpty()) << who << " " << p;
        }
    }
    // The author's own edit page puts the text back into form fields, still escaped.
    auto author_browser = s.browserClient(t, evil);
    for (const auto& p :
         {path("/posts/", id, "/edit"), path("/posts/", a, "/edit"), path("/questions/", id)}) {
        auto r = author_browser.get(p);
        EXPECT_EQ(r.status, 200) << p << ": " << r;
        EXPECT_THAT(injectedMarkup(r.body), IsEmpty()) << "author, " << p;
    }

    // The text is there, escaped: readers see what was typed.
    auto page = anonymous.get(path("/questions/", id));
    EXPECT_THAT(page.body, HasSubstr("&lt;script&gt;alert("));
    EXPECT_THAT(page.body, Not(HasSubstr("<script>alert(")));
    EXPECT_THAT(page.body, Not(HasSubstr("<img src=x")));
    auto profile = anonymous.get(path("/users/", evil.id));
    EXPECT_THAT(profile.body, HasSubstr("&lt;script&gt;alert("));
    auto reflected = anonymous.get("/?tag=%3Cscript%3Ealert(%27query%27)%3C%2Fscript%3E");
    EXPECT_THAT(reflected.body, Not(HasSubstr("<script>alert(")));
}

TEST_F(ContentPagesTest, AnonymousPageCacheHitsAndNeverServesAStalePage) {
    auto& s = server();
    auto t = roomyTenant("cache");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto other = s.apiClient(t, s.createUser(t));
    int64_t id = askId(author, "cache pages");
    const std::string page = path("/questions/", id);
    auto anonymous = s.client(t);

    auto first = anonymous.get(page);
    ASSERT_EQ(first.status, 200) << first;
    EXPECT_NE(first.header("X-Cache"), "hit") << "never requested before";
    untilCached(anonymous, page, title("cache pages"), "first visits");
    // Settled: every visit is now a hit, with the same page.
    auto second = anonymous.get(page);
    auto third = anonymous.get(page);
    EXPECT_EQ(second.header("X-Cache"), "hit");
    EXPECT_EQ(third.header("X-Cache"), "hit");
    EXPECT_EQ(second.body, third.body);

    // Each kind of write through the API shows on the very next anonymous visit.
    struct Write {
        const char* what;
        std::function<void()> run;
        std::string shows;
    };
    const std::string answer_text = "A fresh answer " + TestServer::uniqueSuffix() + " arrived.";
    const std::string comment_text = "A fresh comment " + TestServer::uniqueSuffix();
    const std::string edited = "An edited body " + TestServer::uniqueSuffix() + " now shows.";
    auto mod = s.apiClient(t, s.createUser(t, "moderator"));
    std::vector<Write> writes = {
        {"answer", [&] { answer(other, id, answer_text + " " + body("pad")); }, answer_text},
        {"comment", [&] { comment(other, id, comment_text); }, comment_text},
        {"edit",
         [&] {
             ASSERT_EQ(
                 author.patch(path("/api/v1/posts/", id), {{"body", edited + " " + body("pad")}})
                     .status,
                 200);
         },
         edited},
        {"vote", [&] { vote(other, id, 1); },
         "<span class=\"score\" aria-label=\"Score\">1</span>"},
        {"close",
         [&] {
             act(mod, id, "close", {{"reason", "unclear"}});
         },
         "[closed]"},
    };
    for (auto& w : writes) {
        auto cached = anonymous.get(page);
        ASSERT_EQ(cached.header("X-Cache"), "hit") << w.what << ": cached before";
        ASSERT_THAT(cached.body, Not(HasSubstr(w.shows))) << w.what;
        w.run();
        auto after = anonymous.get(page);
        ASSERT_EQ(after.status, 200) << after;
        EXPECT_NE(after.header("X-Cache"), "hit") << w.what;
        EXPECT_THAT(after.body, HasSubstr(w.shows)) << "the page right after the " << w.what;
        untilCached(anonymous, page, w.shows, std::string("after the ") + w.what);
    }

    // The front page too: a new question shows at once.
    untilCached(anonymous, "/", title("cache pages"), "front page");
    const std::string new_title = "A brand new question " + TestServer::uniqueSuffix();
    ask(other, new_title, body("new question"));
    auto home = anonymous.get("/");
    EXPECT_NE(home.header("X-Cache"), "hit");
    EXPECT_THAT(home.body, HasSubstr(new_title));
    untilCached(anonymous, "/", new_title, "front page after a new question");

    // Signed-in pages are never served from (or stored in) the shared cache.
    auto reader = s.createUser(t);
    auto browser = s.browserClient(t, reader);
    auto mine = browser.get(page);
    ASSERT_EQ(mine.status, 200) << mine;
    EXPECT_NE(mine.header("X-Cache"), "hit");
    EXPECT_THAT(mine.body, HasSubstr(reader.username)) << "the reader's own header";
    auto mine_again = browser.get(page);
    EXPECT_NE(mine_again.header("X-Cache"), "hit");
    auto anon_after = untilCached(anonymous, page, edited, "after signed-in visits");
    EXPECT_THAT(anon_after.body, Not(HasSubstr(reader.username)))
        << "a signed-in page was served to an anonymous reader";
    EXPECT_EQ(anon_after.csrfMeta(), "") << "the shared page carries nobody's CSRF token";
}

}  // namespace

}  // namespace agora::test
