// Inputs checked once where they enter: JSON nesting (a 100,000-deep body used to overflow the
// stack and kill the process), control characters in any text field (a NUL cut off what was
// stored while the page showed the rest) and query strings that aren't UTF-8 (PostgreSQL's own
// message came back). Every refusal is a 4xx with the field named, and nothing is written.
#include "ContentTestSupport.h"
#include "http/HttpRequest.h"

namespace agora::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string deep(int depth) {
    return std::string(static_cast<size_t>(depth), '[') +
           std::string(static_cast<size_t>(depth), ']');
}

class InputChecksTest : public ContentTest {};

TEST_F(InputChecksTest, DeeplyNestedJsonIsA400AndTheServerAnswersAfterwards) {
    auto& s = server();
    auto t = roomyTenant("deepjson");
    auto author = s.apiClient(t, s.createUser(t));
    int64_t q = askId(author, "nest bowls");
    auto before = state(t);

    std::string body = "{\"title\":" + deep(100000) + ",\"body\":\"x\",\"tags\":[\"a\"]}";
    ASSERT_GT(body.size(), 200000u);
    auto r = author.send("POST", "/api/v1/questions", body, "application/json");
    EXPECT_TRUE(refused(r, 400, "bad_request")) << r;
    EXPECT_THAT(r.errorMessage(), HasSubstr("deeper than 64 levels"));
    r = author.send("POST", path("/api/v1/posts/", q, "/vote"), "{\"value\":" + deep(100000) + "}",
                    "application/json");
    EXPECT_EQ(r.status, 400) << r;
    // 64 levels are still JSON the routes read (and refuse for what it says).
    r = author.send("POST", "/api/v1/questions", "{\"title\":" + deep(63) + "}",
                    "application/json");
    EXPECT_EQ(r.status, 422) << r;

    EXPECT_EQ(s.client(t).get("/healthz").status, 200);
    EXPECT_EQ(state(t), before);
    askId(author, "still ask questions");
}

TEST_F(InputChecksTest, ANulInAnyTextFieldIsRefusedNamingItAndNothingIsWritten) {
    auto& s = server();
    auto t = roomyTenant("nulbyte");
    auto author_user = s.createUser(t);
    auto author = s.apiClient(t, author_user);
    auto admin = s.apiClient(t, s.createUser(t, "admin"));
    int64_t q = askId(author, "hide text");
    auto browser = s.browserClient(t, author_user);  // signs in: a session row, made up front
    auto before = state(t);
    const std::string nul("visible\0hidden from moderators", 30);
    auto questions = scalarIn(t, "SELECT count(*) FROM {s}.posts");

    EXPECT_TRUE(refused(
        author.post("/api/v1/questions",
                    {{"title", title("x") + nul}, {"body", body("y")}, {"tags", {"general"}}}),
        422, "control_character", "title"));
    EXPECT_TRUE(refused(
        author.post("/api/v1/questions",
                    {{"title", title("x")}, {"body", body("y") + nul}, {"tags", {"general"}}}),
        422, "control_character", "body"));
    EXPECT_TRUE(refused(
        author.post("/api/v1/questions",
                    {{"title", title("x")}, {"body", body("y")}, {"tags", {"general", "a\x01"}}}),
        422, "control_character", "tags"));
    EXPECT_TRUE(refused(
        author.post(path("/api/v1/posts/", q, "/comments"), {{"body", "A comment that is " + nul}}),
        422, "control_character", "body"));
    EXPECT_TRUE(refused(author.patch(path("/api/v1/posts/", q), {{"body", body("z") + nul}}), 422,
                        "control_character", "body"));
    EXPECT_TRUE(refused(
        author.patch(path("/api/v1/posts/", q), {{"body", body("z")}, {"comment", "why\x1b[31m"}}),
        422, "control_character", "comment"));
    EXPECT_TRUE(refused(admin.put("/api/v1/admin/settings", {{"site.tagline", "Hi" + nul}}), 422,
                        "control_character", "site.tagline"));
    // Tabs and line breaks are text.
    auto fine = author.post(path("/api/v1/posts/", q, "/comments"),
                            {{"body", "Tabs\tand\r\nline breaks are fine here."}});
    EXPECT_EQ(fine.status, 201) << fine;
    before = state(t);

    // A form as a browser sends it: %00 in the body.
    auto csrf = browser.fetchCsrf("/ask");
    auto form = browser.send("POST", "/ask",
                             "_csrf=" + csrf + "&title=" + urlEncode(title("form")) +
                                 "&body=visible%00hidden+from+moderators+and+more&tags=general",
                             "application/x-www-form-urlencoded");
    EXPECT_EQ(form.status, 422) << form;
    EXPECT_THAT(form.body, HasSubstr("body contains the control character U+0000"));
    EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.posts"), questions);
    EXPECT_EQ(state(t), before);

    // Sign-up: the username and the display name are text too.
    auto details = TestServer::newUserDetails("nul");
    auto anon = s.client(t);
    auto signup = anon.post("/api/v1/users", {{"username", details.username + std::string("\0", 1)},
                                              {"email", details.email},
                                              {"password", details.password}});
    EXPECT_TRUE(refused(signup, 422, "control_character", "username"));
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE email = $1", details.email), 0);
}

TEST_F(InputChecksTest, QueryStringsMustBeUtf8AndNeverEchoPostgres) {
    auto& s = server();
    auto t = roomyTenant("badquery");
    auto c = s.client(t);
    for (const char* target : {"/api/v1/questions?tag=%ff", "/api/v1/questions?tag=a%00b",
                               "/?tag=%c3%28", "/api/v1/questions?%ff=1", "/users/1?page=%80"}) {
        auto r = c.get(target);
        EXPECT_EQ(r.status, 400) << target << ": " << r;
        EXPECT_THAT(r.body, Not(HasSubstr("byte sequence"))) << target;
        EXPECT_THAT(r.body, Not(HasSubstr("UTF8"))) << target;
    }
    auto api = c.get("/api/v1/questions?tag=%ff");
    EXPECT_EQ(api.errorField(), "tag") << api;
    EXPECT_THAT(api.errorMessage(), HasSubstr("not valid UTF-8"));
    EXPECT_EQ(c.get("/api/v1/questions?tag=cr%C3%A8me").status, 200);
}

}  // namespace
}  // namespace agora::test
