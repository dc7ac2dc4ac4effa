// A thread's page costs the same number of SQL statements whatever its size (X-Statements):
// one answer or twelve, no comments or twenty-five, the viewer's votes on none or all of them.
#include <gmock/gmock.h>

#include <algorithm>
#include <iostream>

#include "ContentTestSupport.h"

namespace agora::test {

namespace {

class NoNPlusOneTest : public ContentTest {
protected:
    static int64_t statements(const HttpResult& r) {
        auto v = r.header("X-Statements");
        if (r.status != 200 || v.empty())
            throw std::runtime_error("no X-Statements on " + r.describe());
        return std::stoll(v);
    }
    // The count for a GET on a warm connection: the first use of a statement on a pooled
    // connection also counts its PREPARE (and a schema switch its SET search_path), which
    // depends on what that connection did before, not on the page. The fewest of a few
    // requests in a row is the page's own cost.
    static int64_t warmStatements(HttpClient& c, const std::string& path) {
        int64_t fewest = statements(c.get(path));
        for (int i = 0; i < 3; ++i)
            fewest = std::min(fewest, statements(c.get(path)));
        return fewest;
    }
};

TEST_F(NoNPlusOneTest, ThreadPagesIssueTheSameStatementsForOneAnswerAndForTwelve) {
    auto& s = server();
    auto t = roomyTenant("nplus1");
    auto author = s.apiClient(t, s.createUser(t));
    // Several authors, so any per-author lookup would show up.
    std::vector<HttpClient> members;
    for (int i = 0; i < 3; ++i)
        members.push_back(s.apiClient(t, s.createUser(t)));
    auto viewer_user = s.createUser(t);
    auto viewer_api = s.apiClient(t, viewer_user);
    auto viewer_page = s.browserClient(t, viewer_user);

    int64_t small = askId(author, "small thread");
    int64_t small_answer = answerId(members[0], small, "answer the small thread");
    vote(viewer_api, small_answer, 1);

    int64_t big = askId(author, "big thread");
    std::vector<int64_t> answers;
    for (int i = 0; i < 12; ++i)
        answers.push_back(answerId(members[i % 3], big, "answer " + std::to_string(i)));
    for (int i = 0; i < 25; ++i) {
        int64_t on = i < 5 ? big : answers[i % 12];
        comment(members[i % 3], on, "Comment number " + std::to_string(i) + " on this thread.");
    }
    for (size_t i = 0; i < answers.size(); ++i)
        vote(viewer_api, answers[i], i % 2 ? 1 : -1);
    vote(viewer_api, big, 1);

    // The big thread really is big on both the page and the API.
    auto big_api = viewer_api.get(path("/api/v1/questions/", big));
    ASSERT_EQ(big_api.status, 200) << big_api;
    auto thread = big_api.json();
    ASSERT_EQ(thread["answers"].size(), 12u);
    size_t comment_total = thread["comments"].size();
    for (const auto& a : thread["answers"]) {
        comment_total += a["comments"].size();
        EXPECT_TRUE(a.contains("my_vote")) << a["id"];
    }
    ASSERT_EQ(comment_total, 25u);
    auto big_page = viewer_page.get(path("/questions/", big));
    ASSERT_EQ(big_page.status, 200) << big_page;
    EXPECT_NE(big_page.header("X-Cache"), "hit");
    EXPECT_NE(big_page.body.find("Comment number 24 on this thread."), std::string::npos);

    auto small_page = viewer_page.get(path("/questions/", small));
    ASSERT_EQ(small_page.status, 200) << small_page;
    int64_t page_cost = warmStatements(viewer_page, path("/questions/", small));
    int64_t api_cost = warmStatements(viewer_api, path("/api/v1/questions/", small));
    EXPECT_EQ(warmStatements(viewer_page, path("/questions/", big)), page_cost)
        << "GET /questions/ID (signed in): 12 answers and 25 comments vs 1 answer";
    EXPECT_EQ(warmStatements(viewer_api, path("/api/v1/questions/", big)), api_cost)
        << "GET /api/v1/questions/ID (signed in): 12 answers and 25 comments vs 1 answer";
    // Anonymous API readers (no votes to look up) as well.
    auto anonymous = s.client(t);
    EXPECT_EQ(warmStatements(anonymous, path("/api/v1/questions/", big)),
              warmStatements(anonymous, path("/api/v1/questions/", small)))
        << "GET /api/v1/questions/ID (anonymous)";
    // The page of a moderator (who sees every action) too.
    auto mod_page = s.browserClient(t, s.createUser(t, "moderator"));
    EXPECT_EQ(warmStatements(mod_page, path("/questions/", big)),
              warmStatements(mod_page, path("/questions/", small)))
        << "GET /questions/ID (moderator)";
    std::cout << "[ statements ] thread page " << page_cost << ", thread API " << api_cost << "\n";
}

}  // namespace

}  // namespace agora::test
