// The core content API (SPEC §4): questions, answers, edits and their history, votes,
// comments, closing, deleting and locking, profiles, tags and close reasons. Every refusal is
// checked for its status, code and field, and for leaving every row as it was.
#include <gmock/gmock.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <cstdio>

#include "ContentTestSupport.h"

namespace agora::test {

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// One request written by hand on its own connection, for what HttpClient can't send: a body
// the server refuses before reading it all. Write errors after the server has answered are
// expected (it closes without reading the rest); the answer is read until the server closes.
HttpResult rawRequest(int port, const std::string& head, const std::string& body) {
    Poco::Net::StreamSocket sock(
        Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    sock.setReceiveTimeout(Poco::Timespan(15, 0));
    auto sendAll = [&](const std::string& data) {
        for (size_t sent = 0; sent < data.size();)
            sent += static_cast<size_t>(
                sock.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent)));
    };
    sendAll(head);
    try {
        sendAll(body);
    } catch (const Poco::Exception&) {
    }
    std::string in;
    char buf[16384];
    try {
        for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;)
            in.append(buf, static_cast<size_t>(n));
    } catch (const Poco::Exception&) {
    }
    HttpResult r;
    auto end = in.find("\r\n\r\n");
    if (in.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) {
        r.body = in;
        return r;
    }
    r.status = std::stoi(in.substr(9, 3));
    for (size_t line = in.find("\r\n") + 2; line < end;) {
        auto next = in.find("\r\n", line);
        auto h = in.substr(line, next - line);
        auto colon = h.find(':');
        if (colon != std::string::npos) {
            std::string name = h.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            r.headers.emplace_back(name, h.substr(h.find_first_not_of(' ', colon + 1)));
        }
        line = next + 2;
    }
    r.body = in.substr(end + 4);
    return r;
}

class ContentApiTest : public ContentTest {
protected:
    void SetUp() override {
        ContentTest::SetUp();
        if (HasFatalFailure())
            return;
        t_ = roomyTenant("qa");
        author_ = server().createUser(t_);
        api_ = std::make_unique<HttpClient>(server().apiClient(t_, author_));
    }

    HttpClient& author() { return *api_; }
    HttpClient anon() { return server().client(t_); }
    // Another member of the tenant, signed in through the API.
    std::pair<TestUser, HttpClient> member(const std::string& role = "member") {
        auto u = server().createUser(t_, role);
        return {u, server().apiClient(t_, u)};
    }

    TestTenant t_;
    TestUser author_;
    std::unique_ptr<HttpClient> api_;
};

// ---------------------------------------------------------------------------------------------
// POST /api/v1/questions

TEST_F(ContentApiTest, AskCreatesTheQuestionItsFirstRevisionTagsAndCounters) {
    auto r = author().post("/api/v1/questions", {{"title", "  How long should bread dough rest?  "},
                                                 {"body", body("rest bread dough")},
                                                 {"tags", {"Baking", "c++  sourdough", "baking"}}});
    ASSERT_EQ(r.status, 201) << r;
    auto q = r.json();
    int64_t id = q["id"].get<int64_t>();
    EXPECT_EQ(r.header("Location"), "/api/v1/questions/" + std::to_string(id));
    EXPECT_EQ(q["type"], "question");
    EXPECT_EQ(q["title"], "How long should bread dough rest?") << "surrounding spaces trimmed";
    EXPECT_EQ(q["body"], body("rest bread dough"));
    EXPECT_THAT(q["tags"], ElementsAre("baking", "c++", "sourdough")) << "lower-cased, split, once";
    EXPECT_EQ(q["revision"], 1);
    EXPECT_EQ(q["score"], 0);
    EXPECT_EQ(q["answer_count"], 0);
    EXPECT_EQ(q["closed"], false);
    EXPECT_EQ(q["author"]["id"], author_.id);

    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.posts"), 1);
    EXPECT_EQ(textIn(t_,
                     "SELECT number || ' ' || comment || ' by ' || editor_id FROM {s}.revisions "
                     "WHERE post_id = $1",
                     id),
              "1 asked by " + std::to_string(author_.id));
    EXPECT_EQ(textIn(t_,
                     "SELECT string_agg(name || ':' || question_count, ' ' ORDER BY name) "
                     "FROM {s}.tags"),
              "baking:1 c++:1 sourdough:1");
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.post_tags WHERE post_id = $1", id), 3);
    EXPECT_EQ(scalarIn(t_, "SELECT question_count FROM {s}.members WHERE id = $1", author_.id), 1);
    EXPECT_EQ(scalarIn(t_, "SELECT questions FROM {s}.site_counters"), 1);

    auto again = anon().get(path("/api/v1/posts/", id));
    ASSERT_EQ(again.status, 200) << again;
    EXPECT_EQ(again.json()["title"], q["title"]);
}

TEST_F(ContentApiTest, AskRefusesEachInvalidFieldAndWritesNothing) {
    const std::string ok_title = title("fold croissant dough");
    const std::string ok_body = body("fold croissant dough");
    struct Case {
        const char* what;
        json request;
        const char* field;
    };
    std::vector<Case> cases = {
        {"title too short",
         {{"title", "Bread help?"}, {"body", ok_body}, {"tags", {"x"}}},
         "title"},
        {"title short once trimmed",
         {{"title", "   Bread help?     "}, {"body", ok_body}, {"tags", {"x"}}},
         "title"},
        {"title too long",
         {{"title", std::string(151, 'T')}, {"body", ok_body}, {"tags", {"x"}}},
         "title"},
        {"title missing", {{"body", ok_body}, {"tags", {"x"}}}, "title"},
        {"title not a string", {{"title", 12345}, {"body", ok_body}, {"tags", {"x"}}}, "title"},
        {"body too short",
         {{"title", ok_title}, {"body", "Too short a body."}, {"tags", {"x"}}},
         "body"},
        {"body over limits.body_max",
         {{"title", ok_title}, {"body", std::string(30001, 'b')}, {"tags", {"x"}}},
         "body"},
        {"six tags",
         {{"title", ok_title}, {"body", ok_body}, {"tags", {"a1", "a2", "a3", "a4", "a5", "a6"}}},
         "tags"},
        {"six tags in one string",
         {{"title", ok_title}, {"body", ok_body}, {"tags", "a1 a2 a3 a4 a5 a6"}},
         "tags"},
        {"tag with angle brackets",
         {{"title", ok_title}, {"body", ok_body}, {"tags", {"<script>"}}},
         "tags"},
        {"tag with a quote", {{"title", ok_title}, {"body", ok_body}, {"tags", {"it's"}}}, "tags"},
        {"tag with an underscore",
         {{"title", ok_title}, {"body", ok_body}, {"tags", {"snake_case"}}},
         "tags"},
        {"tag longer than 35",
         {{"title", ok_title}, {"body", ok_body}, {"tags", {std::string(36, 'a')}}},
         "tags"},
        {"no tags", {{"title", ok_title}, {"body", ok_body}, {"tags", json::array()}}, "tags"},
        {"tags a number", {{"title", ok_title}, {"body", ok_body}, {"tags", 42}}, "tags"},
        {"tags an object",
         {{"title", ok_title}, {"body", ok_body}, {"tags", {{"a", "b"}}}},
         "tags"},
        {"tags holding numbers",
         {{"title", ok_title}, {"body", ok_body}, {"tags", {1, 2}}},
         "tags"},
    };
    auto before = state(t_);
    for (const auto& c : cases) {
        auto r = author().post("/api/v1/questions", c.request);
        EXPECT_TRUE(refused(r, 422, "invalid", c.field)) << c.what;
    }

    // Not JSON, or JSON that isn't an object: 400, whatever the fields would have been.
    for (const std::string& raw :
         {std::string("{\"title\": \"") + ok_title + "\", \"body\": ",
          std::string("[\"") + ok_title + "\"]", std::string("\"text\"")}) {
        auto r = author().send("POST", "/api/v1/questions", raw, "application/json");
        EXPECT_TRUE(refused(r, 400, "bad_request")) << raw;
    }
    // Anonymous: 401 before anything else is looked at.
    auto r =
        anon().post("/api/v1/questions", {{"title", ok_title}, {"body", ok_body}, {"tags", {"x"}}});
    EXPECT_TRUE(refused(r, 401, "unauthorized"));
    auto bogus = anon().asUser("not-a-token");
    r = bogus.post("/api/v1/questions", {{"title", ok_title}, {"body", ok_body}, {"tags", {"x"}}});
    EXPECT_TRUE(refused(r, 401, "unauthorized"));

    EXPECT_EQ(state(t_), before);
}

TEST_F(ContentApiTest, JsonNumbersPastDoubleRangeAre400AndWriteNothing) {
    // The JSON parser refuses these with out_of_range rather than parse_error; they used to
    // escape the body reader and answer 500 (found by the json_body fuzz target).
    auto before = state(t_);
    for (const std::string& raw :
         {std::string("{\"title\": 1e400}"), std::string("{\"title\": \"t\", \"n\": -9e999}"),
          std::string("{\"tags\": [1E+99999]}")}) {
        auto r = author().send("POST", "/api/v1/questions", raw, "application/json");
        EXPECT_TRUE(refused(r, 400, "bad_request")) << raw;
    }
    EXPECT_EQ(state(t_), before);
}

TEST_F(ContentApiTest, BodyLimitCountsCharactersNotBytes) {
    // Exactly limits.body_max characters is allowed, in ASCII and in two-byte UTF-8.
    ask(author(), title("count ascii"), std::string(30000, 'a'));
    std::string accented;
    for (int i = 0; i < 30000; ++i)
        accented += "\xc3\xa9";  // é
    auto q = ask(author(), title("count accents"), accented);
    EXPECT_EQ(q["body"], accented);

    auto before = state(t_);
    auto r = author().post(
        "/api/v1/questions",
        {{"title", title("count one more")}, {"body", accented + "e"}, {"tags", {"x"}}});
    EXPECT_TRUE(refused(r, 422, "invalid", "body"));
    EXPECT_EQ(state(t_), before);
}

TEST_F(ContentApiTest, RequestBodyOverOneMebibyteIs413AndWritesNothing) {
    auto before = state(t_);
    const std::string auth = "Authorization: Bearer " + author().token() + "\r\n";
    const std::string host = "Host: " + t_.host + "\r\n";
    constexpr size_t kOver = 1024 * 1024 + 1;
    // Announced in Content-Length: refused before the body is read.
    for (const auto& [target, type] : std::vector<std::pair<std::string, std::string>>{
             {"/api/v1/questions", "application/json"},
             {"/ask", "application/x-www-form-urlencoded"}}) {
        auto r =
            rawRequest(server().port(),
                       "POST " + target + " HTTP/1.1\r\n" + host + auth + "Content-Type: " + type +
                           "\r\nContent-Length: " + std::to_string(kOver) + "\r\n\r\n",
                       "");
        EXPECT_TRUE(refused(r, 413, "too_large")) << target;
    }
    // Sent chunked, without a length: refused once more than 1 MiB has arrived.
    json big = {
        {"title", title("send a huge body")}, {"body", std::string(kOver, 'x')}, {"tags", {"x"}}};
    std::string payload = big.dump(), chunked;
    for (size_t at = 0; at < payload.size(); at += 65536) {
        auto piece = payload.substr(at, 65536);
        char size[16];
        snprintf(size, sizeof size, "%zx\r\n", piece.size());
        chunked += size + piece + "\r\n";
    }
    chunked += "0\r\n\r\n";
    auto r = rawRequest(server().port(),
                        "POST /api/v1/questions HTTP/1.1\r\n" + host + auth +
                            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                        chunked);
    EXPECT_TRUE(refused(r, 413, "too_large"));
    EXPECT_EQ(state(t_), before);
    // The server is still answering normally afterwards.
    EXPECT_EQ(author().get("/api/v1/questions").status, 200);
}

// ---------------------------------------------------------------------------------------------
// GET /api/v1/questions

TEST_F(ContentApiTest, ListSortsByActivityNewestAndScore) {
    auto [v1, voter1] = member();
    auto [v2, voter2] = member();
    int64_t q1 = askId(author(), "sort one");
    int64_t q2 = askId(author(), "sort two");
    int64_t q3 = askId(author(), "sort three");
    vote(voter1, q1, 1);
    vote(voter2, q1, 1);
    vote(voter1, q2, -1);
    answer(voter2, q2, body("answer the second"));  // q2 becomes the most active

    auto list = [&](const std::string& query) {
        auto r = anon().get("/api/v1/questions" + query);
        EXPECT_EQ(r.status, 200) << query << ": " << r;
        return r.json();
    };
    auto newest = list("?sort=newest");
    EXPECT_THAT(ids(newest["items"]), ElementsAre(q3, q2, q1));
    EXPECT_EQ(newest["total"], 3);
    EXPECT_EQ(newest["page"], 1);
    EXPECT_EQ(newest["per_page"], 30);
    auto score = list("?sort=score");
    EXPECT_THAT(ids(score["items"]), ElementsAre(q1, q3, q2));
    EXPECT_EQ(score["items"][0]["score"], 2);
    EXPECT_EQ(score["items"][2]["score"], -1);
    auto activity = list("?sort=activity");
    EXPECT_THAT(ids(activity["items"]), ElementsAre(q2, q3, q1));
    EXPECT_EQ(activity["items"][0]["answer_count"], 1);
    EXPECT_EQ(list("")["items"], activity["items"]) << "activity is the default";

    auto bad = anon().get("/api/v1/questions?sort=votes");
    EXPECT_TRUE(refused(bad, 422, "invalid", "sort"));
}

TEST_F(ContentApiTest, ListFiltersByTagPagesAndCountsTotals) {
    int64_t q1 = askId(author(), "tag one", {"alpha", "shared"});
    int64_t q2 = askId(author(), "tag two", {"beta", "shared"});
    int64_t q3 = askId(author(), "tag three", {"alpha"});
    auto list = [&](const std::string& query) {
        auto r = anon().get("/api/v1/questions" + query);
        EXPECT_EQ(r.status, 200) << query << ": " << r;
        return r.json();
    };

    auto alpha = list("?sort=newest&tag=alpha");
    EXPECT_THAT(ids(alpha["items"]), ElementsAre(q3, q1));
    EXPECT_EQ(alpha["total"], 2);
    EXPECT_EQ(list("?tag=shared")["total"], 2);
    auto none = list("?tag=nothing-here");
    EXPECT_TRUE(none["items"].empty());
    EXPECT_EQ(none["total"], 0);

    auto p1 = list("?sort=newest&per_page=2&page=1");
    EXPECT_THAT(ids(p1["items"]), ElementsAre(q3, q2));
    EXPECT_EQ(p1["total"], 3);
    EXPECT_EQ(p1["per_page"], 2);
    auto p2 = list("?sort=newest&per_page=2&page=2");
    EXPECT_THAT(ids(p2["items"]), ElementsAre(q1));
    EXPECT_EQ(p2["page"], 2);
    EXPECT_EQ(p2["total"], 3);
    auto p3 = list("?sort=newest&per_page=2&page=3");
    EXPECT_TRUE(p3["items"].empty());
    EXPECT_EQ(p3["total"], 3);
    EXPECT_EQ(list("?per_page=100")["per_page"], 100);

    for (const auto& [query, field] :
         std::vector<std::pair<std::string, std::string>>{{"?per_page=101", "per_page"},
                                                          {"?per_page=0", "per_page"},
                                                          {"?per_page=-5", "per_page"},
                                                          {"?per_page=ten", "per_page"},
                                                          {"?page=0", "page"},
                                                          {"?page=99999999999", "page"}}) {
        auto r = anon().get("/api/v1/questions" + query);
        EXPECT_TRUE(refused(r, 422, "invalid", field)) << query;
    }

    // A deleted question leaves the list, the total and its tags' totals.
    act(author(), q2, "delete");
    auto after = list("?sort=newest");
    EXPECT_THAT(ids(after["items"]), ElementsAre(q3, q1));
    EXPECT_EQ(after["total"], 2);
    EXPECT_EQ(list("?tag=shared")["total"], 1);
    EXPECT_TRUE(list("?tag=beta")["items"].empty());
    EXPECT_EQ(list("?tag=beta")["total"], 0);
}

// ---------------------------------------------------------------------------------------------
// GET /api/v1/questions/ID

TEST_F(ContentApiTest, QuestionHasAnswersByScoreCommentsAndTheViewersVotes) {
    auto [ans, answerer] = member();
    auto [v1, voter1] = member();
    auto [v2, voter2] = member();
    int64_t q = askId(author(), "order answers");
    int64_t a1 = answerId(answerer, q, "answer first");
    int64_t a2 = answerId(answerer, q, "answer second");
    int64_t a3 = answerId(answerer, q, "answer third");
    vote(voter1, a2, 1);
    vote(voter2, a2, 1);
    vote(voter1, a3, 1);
    vote(voter2, a1, -1);
    comment(voter1, q, "A comment on the question itself.");
    comment(voter2, a3, "First comment on the third answer.");
    comment(voter1, a3, "Second comment on the third answer.");

    auto r = anon().get(path("/api/v1/questions/", q));
    ASSERT_EQ(r.status, 200) << r;
    auto thread = r.json();
    EXPECT_EQ(thread["id"], q);
    EXPECT_EQ(thread["title"], title("order answers"));
    EXPECT_EQ(thread["answer_count"], 3);
    auto& answers = thread["answers"];
    ASSERT_THAT(ids(answers), ElementsAre(a2, a3, a1)) << "by score, highest first";
    EXPECT_EQ(answers[0]["score"], 2);
    EXPECT_EQ(answers[1]["score"], 1);
    EXPECT_EQ(answers[2]["score"], -1);
    EXPECT_EQ(answers[0]["body"], body("answer second"));
    EXPECT_EQ(answers[0]["question_id"], q);
    EXPECT_EQ(answers[0]["author"]["id"], ans.id);

    ASSERT_EQ(thread["comments"].size(), 1u);
    EXPECT_EQ(thread["comments"][0]["body"], "A comment on the question itself.");
    EXPECT_EQ(thread["comments"][0]["author"]["id"], v1.id);
    EXPECT_TRUE(answers[0]["comments"].empty());
    ASSERT_EQ(answers[1]["comments"].size(), 2u);
    EXPECT_EQ(answers[1]["comments"][0]["body"], "First comment on the third answer.");
    EXPECT_EQ(answers[1]["comments"][0]["author"]["id"], v2.id);
    EXPECT_EQ(answers[1]["comments"][1]["body"], "Second comment on the third answer.");
    EXPECT_EQ(answers[1]["comments"][1]["post_id"], a3);

    // Anonymous readers have no votes; each member sees their own.
    EXPECT_FALSE(thread.contains("my_vote"));
    for (const auto& a : answers)
        EXPECT_FALSE(a.contains("my_vote")) << a["id"];
    auto mine = [&](HttpClient& c) {
        auto t = c.get(path("/api/v1/questions/", q)).json();
        std::map<int64_t, int> out;
        for (const auto& a : t["answers"])
            if (a.contains("my_vote"))
                out[a["id"].get<int64_t>()] = a["my_vote"].get<int>();
        EXPECT_FALSE(t.contains("my_vote"));
        return out;
    };
    EXPECT_EQ(mine(voter1), (std::map<int64_t, int>{{a2, 1}, {a3, 1}}));
    EXPECT_EQ(mine(voter2), (std::map<int64_t, int>{{a1, -1}, {a2, 1}}));
    EXPECT_TRUE(mine(answerer).empty());

    EXPECT_TRUE(refused(anon().get(path("/api/v1/questions/", a1)), 404, "not_found"))
        << "an answer is not a question";
    EXPECT_TRUE(refused(anon().get("/api/v1/questions/987654321"), 404, "not_found"));
    EXPECT_TRUE(refused(anon().get("/api/v1/questions/abc"), 404, "not_found"));
}

// ---------------------------------------------------------------------------------------------
// POST /api/v1/questions/ID/answers

TEST_F(ContentApiTest, AnswersAreRefusedOnClosedLockedOrMissingQuestions) {
    auto [mod_user, mod] = member("moderator");
    auto [m, other] = member();
    int64_t q = askId(author(), "answer rules");
    const std::string answer_path = path("/api/v1/questions/", q, "/answers");
    const json good = {{"body", body("answer properly")}};

    act(mod, q, "close", {{"reason", "duplicate"}});
    auto before = state(t_);
    EXPECT_TRUE(refused(other.post(answer_path, good), 409, "closed"));
    EXPECT_EQ(state(t_), before);
    act(mod, q, "reopen");

    act(mod, q, "lock");
    before = state(t_);
    EXPECT_TRUE(refused(other.post(answer_path, good), 403, "locked"));
    EXPECT_EQ(state(t_), before);
    act(mod, q, "unlock");

    before = state(t_);
    EXPECT_TRUE(refused(other.post(answer_path, {{"body", "Too short."}}), 422, "invalid", "body"));
    EXPECT_TRUE(refused(other.post(answer_path, json::object()), 422, "invalid", "body"));
    EXPECT_TRUE(refused(other.post(answer_path, {{"body", std::string(30001, 'a')}}), 422,
                        "invalid", "body"));
    EXPECT_TRUE(refused(anon().post(answer_path, good), 401, "unauthorized"));
    EXPECT_TRUE(refused(other.post("/api/v1/questions/987654321/answers", good), 404, "not_found"));
    EXPECT_EQ(state(t_), before);

    auto r = other.post(answer_path, good);
    ASSERT_EQ(r.status, 201) << r;
    int64_t a = r.json()["id"].get<int64_t>();
    EXPECT_EQ(r.header("Location"), path("/api/v1/posts/", a));
    EXPECT_EQ(r.json()["type"], "answer");
    EXPECT_EQ(r.json()["question_id"], q);
    EXPECT_EQ(scalarIn(t_, "SELECT answer_count FROM {s}.posts WHERE id = $1", q), 1);
    EXPECT_EQ(scalarIn(t_, "SELECT answers FROM {s}.site_counters"), 1);
    EXPECT_EQ(scalarIn(t_, "SELECT answer_count FROM {s}.members WHERE id = $1", m.id), 1);

    before = state(t_);
    EXPECT_TRUE(
        refused(other.post(path("/api/v1/questions/", a, "/answers"), good), 404, "not_found"))
        << "answers take no answers";
    EXPECT_EQ(state(t_), before);
}

// ---------------------------------------------------------------------------------------------
// GET / PATCH /api/v1/posts/ID, GET /api/v1/posts/ID/history

TEST_F(ContentApiTest, AuthorEditsOwnPostAndARevisionIsKept) {
    int64_t q = ask(author(), title("edit mine"), body("edit mine"), {"old-tag", "kept"})["id"]
                    .get<int64_t>();
    auto r = author().patch(path("/api/v1/posts/", q), {{"title", title("edit mine, edited")},
                                                        {"body", body("edit mine, edited")},
                                                        {"tags", {"kept", "new-tag"}},
                                                        {"comment", "clarified"},
                                                        {"revision", 1}});
    ASSERT_EQ(r.status, 200) << r;
    auto p = r.json();
    EXPECT_EQ(p["revision"], 2);
    EXPECT_EQ(p["title"], title("edit mine, edited"));
    EXPECT_EQ(p["body"], body("edit mine, edited"));
    EXPECT_THAT(p["tags"], ElementsAre("kept", "new-tag"));
    EXPECT_FALSE(p["edited_at"].is_null());
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.revisions WHERE post_id = $1", q), 2);
    EXPECT_EQ(textIn(t_,
                     "SELECT comment || ' by ' || editor_id FROM {s}.revisions "
                     "WHERE post_id = $1 AND number = 2",
                     q),
              "clarified by " + std::to_string(author_.id));
    EXPECT_EQ(textIn(t_,
                     "SELECT string_agg(name || ':' || question_count, ' ' ORDER BY name) "
                     "FROM {s}.tags"),
              "kept:1 new-tag:1 old-tag:0");
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.post_tags WHERE post_id = $1", q), 2);
    // GET shows the edit; an answer's edit works the same way.
    EXPECT_EQ(anon().get(path("/api/v1/posts/", q)).json()["body"], body("edit mine, edited"));
    int64_t a = answerId(author(), q, "answer mine");
    r = author().patch(path("/api/v1/posts/", a), {{"body", body("answer mine, edited")}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["revision"], 2);
    EXPECT_EQ(r.json()["type"], "answer");
}

TEST_F(ContentApiTest, EditsByOthersNeedEditPostsOrModeratorAndStaleOrEmptyEditsAreRefused) {
    auto [m, other] = member();
    auto [mod_user, mod] = member("moderator");
    int64_t q = askId(author(), "edit rules");
    const std::string post = path("/api/v1/posts/", q);

    auto before = state(t_);
    EXPECT_TRUE(refused(other.patch(post, {{"body", body("edited by someone else")}}), 403,
                        "ability_required:edit_posts"));
    EXPECT_TRUE(
        refused(anon().patch(post, {{"body", body("edited anonymously")}}), 401, "unauthorized"));
    EXPECT_TRUE(
        refused(author().patch(post, {{"body", body("edit rules")}}), 422, "invalid", "body"))
        << "an edit that changes nothing";
    EXPECT_TRUE(refused(author().patch(post, json::object()), 422, "invalid", "body"));
    EXPECT_TRUE(refused(author().patch(post, {{"title", "Too short"}}), 422, "invalid", "title"));
    EXPECT_TRUE(refused(author().patch(post, {{"tags", {"<b>"}}}), 422, "invalid", "tags"));
    EXPECT_TRUE(
        refused(author().patch(post, {{"body", body("x")}, {"comment", std::string(256, 'c')}}),
                422, "invalid", "comment"));
    EXPECT_TRUE(refused(author().patch(post, {{"body", body("x")}, {"revision", "one"}}), 422,
                        "invalid", "revision"));
    EXPECT_TRUE(refused(author().patch("/api/v1/posts/987654321", {{"body", body("x")}}), 404,
                        "not_found"));
    EXPECT_EQ(state(t_), before);

    auto r = mod.patch(post, {{"body", body("edit rules, by a moderator")}, {"revision", 1}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["revision"], 2);
    EXPECT_EQ(textIn(t_, "SELECT last_editor_id FROM {s}.posts WHERE id = $1", q),
              std::to_string(mod_user.id));

    // The author still works from revision 1: refused, and the moderator's text stays.
    before = state(t_);
    r = author().patch(post, {{"body", body("edit rules, late")}, {"revision", 1}});
    EXPECT_TRUE(refused(r, 409, "stale"));
    EXPECT_EQ(state(t_), before);
    EXPECT_EQ(anon().get(post).json()["body"], body("edit rules, by a moderator"));
    r = author().patch(post, {{"body", body("edit rules, rebased")}, {"revision", 2}});
    EXPECT_EQ(r.status, 200) << r;
}

TEST_F(ContentApiTest, HistoryListsRevisionsNewestFirstWithEditorsCommentsAndBodies) {
    auto [mod_user, mod] = member("moderator");
    int64_t q = askId(author(), "keep history");
    ASSERT_EQ(author()
                  .patch(path("/api/v1/posts/", q),
                         {{"body", body("keep history, second")}, {"comment", "fix the typo"}})
                  .status,
              200);
    ASSERT_EQ(mod.patch(path("/api/v1/posts/", q),
                        {{"title", title("keep history, retitled")}, {"comment", "clearer title"}})
                  .status,
              200);

    auto r = anon().get(path("/api/v1/posts/", q, "/history"));
    ASSERT_EQ(r.status, 200) << r;
    auto h = r.json();
    EXPECT_EQ(h["post"]["id"], q);
    EXPECT_EQ(h["total"], 3);
    auto& items = h["items"];
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0]["number"], 3);
    EXPECT_EQ(items[0]["editor"]["id"], mod_user.id);
    EXPECT_EQ(items[0]["comment"], "clearer title");
    EXPECT_EQ(items[0]["title"], title("keep history, retitled"));
    EXPECT_EQ(items[0]["body"], body("keep history, second"));
    EXPECT_TRUE(items[0].contains("title_diff_html"));
    EXPECT_EQ(items[1]["number"], 2);
    EXPECT_EQ(items[1]["editor"]["id"], author_.id);
    EXPECT_EQ(items[1]["comment"], "fix the typo");
    EXPECT_EQ(items[1]["body"], body("keep history, second"));
    EXPECT_THAT(items[1]["body_diff_html"].get<std::string>(), HasSubstr("second"));
    EXPECT_EQ(items[2]["number"], 1);
    EXPECT_EQ(items[2]["comment"], "asked");
    EXPECT_EQ(items[2]["body"], body("keep history"));
    EXPECT_EQ(items[2]["title"], title("keep history"));
    EXPECT_FALSE(items[2].contains("body_diff_html")) << "the first revision has nothing before it";

    int64_t a = answerId(author(), q, "answer with history");
    auto ah = anon().get(path("/api/v1/posts/", a, "/history")).json();
    ASSERT_EQ(ah["items"].size(), 1u);
    EXPECT_TRUE(ah["items"][0]["title"].is_null());
    EXPECT_EQ(ah["items"][0]["comment"], "answered");
    EXPECT_TRUE(refused(anon().get("/api/v1/posts/987654321/history"), 404, "not_found"));
}

// ---------------------------------------------------------------------------------------------
// POST / DELETE /api/v1/posts/ID/vote

TEST_F(ContentApiTest, VoteValueMustBePlusOrMinusOneAndSelfVotesAreRefused) {
    auto [v, voter] = member();
    int64_t q = askId(author(), "vote rules");
    const std::string vote_path = path("/api/v1/posts/", q, "/vote");
    auto before = state(t_);
    for (const json& request :
         {json{{"value", 2}}, json{{"value", 0}}, json{{"value", -2}}, json{{"value", "1"}},
          json{{"value", 1.5}}, json{{"value", true}}, json::object()}) {
        EXPECT_TRUE(refused(voter.post(vote_path, request), 422, "invalid", "value")) << request;
    }
    auto self = author().post(vote_path, {{"value", 1}});
    EXPECT_TRUE(refused(self, 403, "self_vote"));
    EXPECT_TRUE(refused(author().post(vote_path, {{"value", -1}}), 403, "self_vote"));
    EXPECT_TRUE(refused(anon().post(vote_path, {{"value", 1}}), 401, "unauthorized"));
    EXPECT_TRUE(
        refused(voter.post("/api/v1/posts/987654321/vote", {{"value", 1}}), 404, "not_found"));
    EXPECT_EQ(state(t_), before);
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.votes"), 0);
}

TEST_F(ContentApiTest, ChangingAndRemovingVotesKeepsScoresAndAuthorCountersExact) {
    auto [v1, voter1] = member();
    auto [v2, voter2] = member();
    int64_t q = askId(author(), "count votes");
    int64_t a = answerId(author(), q, "count votes answer");
    const std::string vote_path = path("/api/v1/posts/", a, "/vote");
    auto profile = [&] { return anon().get(path("/api/v1/users/", author_.id)).json(); };

    auto r = voter1.post(vote_path, {{"value", 1}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["score"], 1);
    EXPECT_EQ(r.json()["my_vote"], 1);
    EXPECT_EQ(postVotes(t_, a), "score 1 up 1 down 0");
    EXPECT_EQ(voteCounters(t_, author_.id), "good 1 bad 0 score 1");
    EXPECT_EQ(profile()["good_posts"], 1);
    EXPECT_EQ(profile()["score"], 1);

    // The same vote again changes nothing.
    auto before = state(t_);
    r = voter1.post(vote_path, {{"value", 1}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["score"], 1);
    EXPECT_EQ(state(t_), before);

    // A second member's downvote ties the post: neither good nor bad.
    EXPECT_EQ(vote(voter2, a, -1)["score"], 0);
    EXPECT_EQ(postVotes(t_, a), "score 0 up 1 down 1");
    EXPECT_EQ(voteCounters(t_, author_.id), "good 0 bad 0 score 0");

    // voter1 changes their mind: one row, now -1.
    r = voter1.post(vote_path, {{"value", -1}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["score"], -2);
    EXPECT_EQ(r.json()["my_vote"], -1);
    EXPECT_EQ(postVotes(t_, a), "score -2 up 0 down 2");
    EXPECT_EQ(voteCounters(t_, author_.id), "good 0 bad 1 score -2");
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.votes WHERE post_id = $1", a), 2);
    EXPECT_EQ(profile()["bad_posts"], 1);

    // Unvoting removes the row and undoes its effect exactly.
    r = voter1.del(vote_path);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["score"], -1);
    EXPECT_EQ(r.json()["my_vote"], 0);
    EXPECT_EQ(postVotes(t_, a), "score -1 up 0 down 1");
    EXPECT_EQ(voteCounters(t_, author_.id), "good 0 bad 1 score -1");
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.votes WHERE post_id = $1 AND member_id = $2",
                       a, v1.id),
              0);
    before = state(t_);
    r = voter1.del(vote_path);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["score"], -1);
    EXPECT_EQ(state(t_), before) << "unvoting twice";
    EXPECT_TRUE(refused(anon().del(vote_path), 401, "unauthorized"));
    EXPECT_EQ(state(t_), before);

    ASSERT_EQ(voter2.del(vote_path).status, 200);
    EXPECT_EQ(postVotes(t_, a), "score 0 up 0 down 0");
    EXPECT_EQ(voteCounters(t_, author_.id), "good 0 bad 0 score 0");
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.votes"), 0);
}

// ---------------------------------------------------------------------------------------------
// POST /api/v1/posts/ID/comments

TEST_F(ContentApiTest, CommentsAreValidatedAndAttachedToTheirPost) {
    auto [m, other] = member();
    int64_t q = askId(author(), "comment rules");
    const std::string comments = path("/api/v1/posts/", q, "/comments");
    auto before = state(t_);
    EXPECT_TRUE(
        refused(other.post(comments, {{"body", "Fourteen chars"}}), 422, "invalid", "body"));
    EXPECT_TRUE(refused(other.post(comments, {{"body", "   short one    \n\n   "}}), 422, "invalid",
                        "body"))
        << "length counts after trimming";
    EXPECT_TRUE(
        refused(other.post(comments, {{"body", std::string(601, 'c')}}), 422, "invalid", "body"));
    EXPECT_TRUE(refused(other.post(comments, json::object()), 422, "invalid", "body"));
    EXPECT_TRUE(refused(other.post(comments, {{"body", 123456789012345}}), 422, "invalid", "body"));
    EXPECT_TRUE(refused(anon().post(comments, {{"body", "A perfectly fine comment."}}), 401,
                        "unauthorized"));
    EXPECT_TRUE(refused(
        other.post("/api/v1/posts/987654321/comments", {{"body", "A perfectly fine comment."}}),
        404, "not_found"));
    EXPECT_EQ(state(t_), before);

    auto r = other.post(comments, {{"body", "  Exactly fifteen  "}});
    ASSERT_EQ(r.status, 201) << r;
    auto c = r.json();
    EXPECT_EQ(c["body"], "Exactly fifteen") << "trimmed, then exactly limits.comment_min";
    EXPECT_EQ(c["post_id"], q);
    EXPECT_EQ(c["author"]["id"], m.id);
    EXPECT_EQ(scalarIn(t_, "SELECT comment_count FROM {s}.posts WHERE id = $1", q), 1);
    auto thread = anon().get(path("/api/v1/questions/", q)).json();
    ASSERT_EQ(thread["comments"].size(), 1u);
    EXPECT_EQ(thread["comments"][0]["id"], c["id"]);
    EXPECT_EQ(thread["comment_count"], 1);
}

// ---------------------------------------------------------------------------------------------
// POST /api/v1/posts/ID/close, reopen

TEST_F(ContentApiTest, CloseAndReopenNeedFlagCloseAndAKnownReason) {
    auto [m, other] = member();
    auto [mod_user, mod] = member("moderator");
    int64_t q = askId(author(), "close rules");
    const std::string close = path("/api/v1/posts/", q, "/close");
    const std::string reopen = path("/api/v1/posts/", q, "/reopen");

    auto before = state(t_);
    EXPECT_TRUE(
        refused(other.post(close, {{"reason", "duplicate"}}), 403, "ability_required:flag_close"));
    EXPECT_TRUE(refused(author().post(close, {{"reason", "duplicate"}}), 403,
                        "ability_required:flag_close"))
        << "authors can't close their own questions without the ability either";
    EXPECT_TRUE(refused(anon().post(close, {{"reason", "duplicate"}}), 401, "unauthorized"));
    auto unknown = mod.post(close, {{"reason", "because I said so"}});
    EXPECT_TRUE(refused(unknown, 422, "invalid", "reason"));
    EXPECT_THAT(unknown.errorMessage(), HasSubstr("duplicate")) << "names the valid reasons";
    EXPECT_TRUE(refused(mod.post(close, json::object()), 422, "invalid", "reason"));
    EXPECT_TRUE(refused(mod.post(close, {{"reason", ""}}), 422, "invalid", "reason"));
    EXPECT_TRUE(refused(mod.post(reopen), 409, "not_closed"));
    EXPECT_EQ(state(t_), before);

    auto r = mod.post(close, {{"reason", "duplicate"}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["closed"], true);
    EXPECT_EQ(r.json()["close_reason"], "duplicate");
    EXPECT_EQ(textIn(t_,
                     "SELECT string_agg(kind || ' by ' || actor_id || ': ' || reason, ', ') "
                     "FROM {s}.post_events WHERE post_id = $1",
                     q),
              "closed by " + std::to_string(mod_user.id) + ": duplicate");

    before = state(t_);
    EXPECT_TRUE(refused(mod.post(close, {{"reason", "unclear"}}), 409, "already_closed"));
    EXPECT_TRUE(refused(other.post(reopen), 403, "ability_required:flag_close"));
    EXPECT_EQ(state(t_), before);

    r = mod.post(reopen);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["closed"], false);
    EXPECT_TRUE(r.json()["close_reason"].is_null());
    EXPECT_EQ(scalarIn(t_,
                       "SELECT count(*) FROM {s}.post_events WHERE post_id = $1 AND kind = "
                       "'reopened'",
                       q),
              1);
    EXPECT_TRUE(refused(mod.post(reopen), 409, "not_closed"));
}

// ---------------------------------------------------------------------------------------------
// POST /api/v1/posts/ID/delete, undelete

TEST_F(ContentApiTest, DeletingOthersPostsNeedsFlagCurateAndDeletedPostsAreHidden) {
    auto [m, other] = member();
    auto [mod_user, mod] = member("moderator");
    int64_t q = askId(author(), "delete rules");
    int64_t a = answerId(author(), q, "delete my answer");
    const std::string post_q = path("/api/v1/posts/", q);
    const std::string post_a = path("/api/v1/posts/", a);

    auto before = state(t_);
    EXPECT_TRUE(refused(other.post(post_q + "/delete"), 403, "ability_required:flag_curate"));
    EXPECT_TRUE(refused(other.post(post_a + "/delete"), 403, "ability_required:flag_curate"));
    EXPECT_TRUE(refused(anon().post(post_a + "/delete"), 401, "unauthorized"));
    EXPECT_TRUE(refused(author().post(post_a + "/undelete"), 409, "not_deleted"));
    EXPECT_EQ(state(t_), before);

    // The author deletes their own answer: counters follow, readers no longer see it.
    auto r = author().post(post_a + "/delete");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["deleted"], true);
    EXPECT_EQ(scalarIn(t_, "SELECT answer_count FROM {s}.posts WHERE id = $1", q), 0);
    EXPECT_EQ(scalarIn(t_, "SELECT answers FROM {s}.site_counters"), 0);
    EXPECT_EQ(scalarIn(t_, "SELECT answer_count FROM {s}.members WHERE id = $1", author_.id), 0);
    before = state(t_);
    EXPECT_EQ(author().post(post_a + "/delete").status, 409) << "already deleted";
    EXPECT_TRUE(refused(mod.post(post_a + "/delete"), 409, "already_deleted"));
    auto anonymous = anon();
    for (auto* c : {&anonymous, &other}) {
        EXPECT_TRUE(refused(c->get(post_a), 404, "not_found"));
        EXPECT_TRUE(refused(c->get(post_a + "/history"), 404, "not_found"));
        auto thread = c->get(path("/api/v1/questions/", q));
        ASSERT_EQ(thread.status, 200) << thread;
        EXPECT_TRUE(thread.json()["answers"].empty()) << thread;
        EXPECT_THAT(thread.body, Not(HasSubstr(body("delete my answer"))));
    }
    // Members who can't see it can't act on it either: it doesn't exist for them.
    EXPECT_TRUE(refused(other.post(post_a + "/undelete"), 404, "not_found"));
    EXPECT_TRUE(refused(other.post(post_a + "/vote", {{"value", 1}}), 404, "not_found"));
    EXPECT_TRUE(refused(other.post(post_a + "/comments", {{"body", "Comment on a ghost post."}}),
                        404, "not_found"));
    EXPECT_EQ(state(t_), before);
    for (auto* c : {&author(), &mod}) {
        auto p = c->get(post_a);
        ASSERT_EQ(p.status, 200) << p;
        EXPECT_EQ(p.json()["deleted"], true);
        auto thread = c->get(path("/api/v1/questions/", q)).json();
        ASSERT_THAT(ids(thread["answers"]), ElementsAre(a));
        EXPECT_EQ(thread["answers"][0]["deleted"], true);
        EXPECT_EQ(c->get(post_a + "/history").status, 200);
    }
    r = author().post(post_a + "/undelete");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["deleted"], false);
    EXPECT_EQ(scalarIn(t_, "SELECT answer_count FROM {s}.posts WHERE id = $1", q), 1);
    EXPECT_EQ(other.get(post_a).status, 200);

    // A moderator deletes someone else's question: gone for readers, visible to its author.
    r = mod.post(post_q + "/delete");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(scalarIn(t_, "SELECT questions FROM {s}.site_counters"), 0);
    for (auto* c : {&anonymous, &other}) {
        EXPECT_TRUE(refused(c->get(path("/api/v1/questions/", q)), 404, "not_found"));
        EXPECT_TRUE(refused(c->get(post_q), 404, "not_found"));
        EXPECT_TRUE(c->get("/api/v1/questions").json()["items"].empty());
    }
    EXPECT_EQ(author().get(path("/api/v1/questions/", q)).json()["deleted"], true);
    EXPECT_EQ(mod.get(path("/api/v1/questions/", q)).json()["deleted"], true);
    r = mod.post(post_q + "/undelete");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(anon().get(path("/api/v1/questions/", q)).status, 200);
    EXPECT_EQ(scalarIn(t_, "SELECT questions FROM {s}.site_counters"), 1);
    EXPECT_EQ(textIn(t_, "SELECT string_agg(kind, ' ' ORDER BY id) FROM {s}.post_events"),
              "deleted undeleted deleted undeleted");
}

// ---------------------------------------------------------------------------------------------
// POST /api/v1/posts/ID/lock, unlock

TEST_F(ContentApiTest, LockingNeedsFlagCurateAndFreezesThePost) {
    auto [m, other] = member();
    auto [mod_user, mod] = member("moderator");
    int64_t q = askId(author(), "lock rules");
    int64_t a = answerId(author(), q, "lock rules answer");
    vote(other, a, 1);
    const std::string post = path("/api/v1/posts/", q);

    auto before = state(t_);
    EXPECT_TRUE(refused(other.post(post + "/lock"), 403, "ability_required:flag_curate"));
    EXPECT_TRUE(refused(author().post(post + "/lock"), 403, "ability_required:flag_curate"))
        << "not even the author";
    EXPECT_TRUE(refused(mod.post(post + "/unlock"), 409, "not_locked"));
    EXPECT_EQ(state(t_), before);

    auto r = mod.post(post + "/lock");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["locked"], true);
    before = state(t_);
    EXPECT_TRUE(refused(mod.post(post + "/lock"), 409, "already_locked"));
    EXPECT_TRUE(refused(other.post(post + "/unlock"), 403, "ability_required:flag_curate"));
    EXPECT_TRUE(refused(other.post(post + "/vote", {{"value", 1}}), 403, "locked"));
    EXPECT_TRUE(refused(other.post(post + "/comments", {{"body", "Commenting on a lock."}}), 403,
                        "locked"));
    EXPECT_TRUE(
        refused(author().patch(post, {{"body", body("edit while locked")}}), 403, "locked"));
    EXPECT_TRUE(refused(author().post(post + "/delete"), 403, "locked"));
    EXPECT_EQ(state(t_), before);
    // Moderators still edit a locked post (that's what the lock is for).
    auto mod_edit = mod.patch(post, {{"body", body("moderator edit while locked")}});
    ASSERT_EQ(mod_edit.status, 200) << mod_edit;
    EXPECT_EQ(mod.get(post).json()["body"], body("moderator edit while locked"));

    // A locked answer keeps the votes it had: they can be neither changed nor taken back.
    ASSERT_EQ(mod.post(path("/api/v1/posts/", a, "/lock")).status, 200);
    before = state(t_);
    EXPECT_TRUE(
        refused(other.post(path("/api/v1/posts/", a, "/vote"), {{"value", -1}}), 403, "locked"));
    EXPECT_TRUE(refused(other.del(path("/api/v1/posts/", a, "/vote")), 403, "locked"));
    EXPECT_EQ(state(t_), before);
    ASSERT_EQ(mod.post(path("/api/v1/posts/", a, "/unlock")).status, 200);

    r = mod.post(post + "/unlock");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["locked"], false);
    EXPECT_EQ(vote(other, q, 1)["score"], 1);
    EXPECT_EQ(textIn(t_,
                     "SELECT string_agg(kind || ' ' || post_id || ' by ' || actor_id, ', ' "
                     "ORDER BY id) FROM {s}.post_events"),
              "locked " + std::to_string(q) + " by " + std::to_string(mod_user.id) + ", locked " +
                  std::to_string(a) + " by " + std::to_string(mod_user.id) + ", unlocked " +
                  std::to_string(a) + " by " + std::to_string(mod_user.id) + ", unlocked " +
                  std::to_string(q) + " by " + std::to_string(mod_user.id));
}

// ---------------------------------------------------------------------------------------------
// GET /api/v1/users/ID, /api/v1/me, /api/v1/tags, /api/v1/close-reasons

TEST_F(ContentApiTest, UserProfilesAndMeShowThisTenantsMembership) {
    auto [mod_user, mod] = member("moderator");
    int64_t q = askId(author(), "profile counts");
    answerId(author(), q, "profile counts answer");

    auto r = anon().get(path("/api/v1/users/", author_.id));
    ASSERT_EQ(r.status, 200) << r;
    auto u = r.json();
    EXPECT_EQ(u["id"], author_.id);
    EXPECT_EQ(u["username"], author_.username);
    EXPECT_EQ(u["role"], "member");
    EXPECT_EQ(u["question_count"], 1);
    EXPECT_EQ(u["answer_count"], 1);
    EXPECT_THAT(r.body, Not(HasSubstr(author_.email))) << "profiles are public, emails are not";
    EXPECT_TRUE(refused(anon().get("/api/v1/users/987654321"), 404, "not_found"));
    EXPECT_TRUE(refused(anon().get("/api/v1/users/0"), 404, "not_found"));
    // An account that exists on the network but is not a member here.
    auto elsewhere = server().createTenant("qa-other");
    auto stranger = server().createUser(elsewhere);
    EXPECT_TRUE(refused(anon().get(path("/api/v1/users/", stranger.id)), 404, "not_found"));

    EXPECT_TRUE(refused(anon().get("/api/v1/me"), 401, "unauthorized"));
    r = author().get("/api/v1/me");
    ASSERT_EQ(r.status, 200) << r;
    auto me = r.json();
    EXPECT_EQ(me["account"]["id"], author_.id);
    EXPECT_EQ(me["account"]["email"], author_.email);
    EXPECT_EQ(me["membership"]["question_count"], 1);
    EXPECT_THAT(me["roles"], ElementsAre("member"));
    EXPECT_THAT(me["abilities"], ElementsAre("everyone")) << "a new member holds only everyone";
    r = mod.get("/api/v1/me");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_THAT(r.json()["roles"], ElementsAre("moderator"));
    EXPECT_THAT(r.json()["abilities"],
                UnorderedElementsAre("everyone", "unrestricted", "edit_posts", "edit_tags",
                                     "flag_close", "flag_curate", "mod"))
        << "moderators hold every ability";
}

TEST_F(ContentApiTest, TagsAreCountedAndCloseReasonsListed) {
    askId(author(), "tags one", {"common", "rare"});
    askId(author(), "tags two", {"common"});
    askId(author(), "tags three", {"common", "medium"});
    askId(author(), "tags four", {"medium"});
    auto r = anon().get("/api/v1/tags");
    ASSERT_EQ(r.status, 200) << r;
    auto tags = r.json();
    EXPECT_EQ(tags["total"], 3);
    std::vector<std::pair<std::string, int64_t>> got;
    for (const auto& t : tags["items"])
        got.emplace_back(t["name"].get<std::string>(), t["question_count"].get<int64_t>());
    EXPECT_EQ(got, (std::vector<std::pair<std::string, int64_t>>{
                       {"common", 3}, {"medium", 2}, {"rare", 1}}));
    auto page = anon().get("/api/v1/tags?per_page=2&page=2").json();
    ASSERT_EQ(page["items"].size(), 1u);
    EXPECT_EQ(page["items"][0]["name"], "rare");
    EXPECT_EQ(page["total"], 3);
    EXPECT_TRUE(refused(anon().get("/api/v1/tags?per_page=101"), 422, "invalid", "per_page"));

    r = anon().get("/api/v1/close-reasons");
    ASSERT_EQ(r.status, 200) << r;
    std::vector<std::string> names;
    auto reasons = r.json();  // kept alive: the loop walks into it
    for (const auto& c : reasons["items"]) {
        names.push_back(c["name"].get<std::string>());
        EXPECT_FALSE(c["description"].get<std::string>().empty());
        EXPECT_GT(c["id"].get<int64_t>(), 0);
    }
    EXPECT_THAT(
        names, ElementsAre("duplicate", "off topic", "unclear", "too generic", "not constructive"));
    EXPECT_EQ(reasons["total"], 5);
}

// ---------------------------------------------------------------------------------------------
// Input that looks like SQL is text like any other.

TEST_F(ContentApiTest, SqlLookingInputIsStoredAndReturnedLiterally) {
    auto [m, other] = member();
    const std::string t = "Robert'); DROP TABLE posts; -- why did my table vanish?";
    const std::string b = "'; DROP TABLE posts; --\n\nSELECT * FROM network.accounts; -- \\x00 $1";
    auto q = ask(author(), t, b, {"sql"});
    int64_t id = q["id"].get<int64_t>();
    EXPECT_EQ(q["title"], t);
    EXPECT_EQ(q["body"], b);
    const std::string c = "Robert'); DELETE FROM comments; -- \"quoted\"";
    EXPECT_EQ(comment(other, id, c)["body"], c);
    const std::string a = "1' OR '1'='1'; UPDATE members SET role = 'admin'; --";
    EXPECT_EQ(answer(other, id, a)["body"], a);
    auto r =
        author().patch(path("/api/v1/posts/", id),
                       {{"body", b + "\nedited"}, {"comment", "'); DROP TABLE revisions; --"}});
    ASSERT_EQ(r.status, 200) << r;

    auto thread = anon().get(path("/api/v1/questions/", id)).json();
    EXPECT_EQ(thread["title"], t);
    EXPECT_EQ(thread["body"], b + "\nedited");
    EXPECT_EQ(thread["comments"][0]["body"], c);
    EXPECT_EQ(thread["answers"][0]["body"], a);
    auto history = anon().get(path("/api/v1/posts/", id, "/history")).json();
    EXPECT_EQ(history["items"][0]["comment"], "'); DROP TABLE revisions; --");
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.posts"), 2);
    EXPECT_EQ(textIn(t_, "SELECT role FROM {s}.members WHERE id = $1", m.id), "member");

    // In query parameters too.
    auto list = anon().get("/api/v1/questions?tag=x%27%20OR%20%271%27%3D%271");
    ASSERT_EQ(list.status, 200) << list;
    EXPECT_TRUE(list.json()["items"].empty());
    EXPECT_EQ(list.json()["total"], 0);
    EXPECT_TRUE(refused(anon().get("/api/v1/questions?sort=score%3B%20DROP%20TABLE%20posts"), 422,
                        "invalid", "sort"));
    auto page = anon().get(path("/questions/", id));
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("DROP TABLE posts; -- why did my table vanish?"));
    EXPECT_EQ(scalarIn(t_, "SELECT count(*) FROM {s}.posts"), 2);
}

}  // namespace

}  // namespace agora::test
