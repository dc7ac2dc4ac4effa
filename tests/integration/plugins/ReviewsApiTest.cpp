// Suggested edits through the API (SPEC "Reviews plugin"): who may suggest and review, the
// one-pending-per-post rule held by the database, approval applied in one transaction with the
// revision credited to the suggester, stale suggestions, retraction, rate limits, concurrency,
// the edit counters the abilities plugin keeps, and tenant isolation.
#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "plugins/ReviewsTestSupport.h"

namespace agora::test {

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ReviewsApiTest : public ReviewsTest {};

TEST_F(ReviewsApiTest, SuggestingStoresOnlyWhatChangesAndNotifiesTheAuthor) {
    auto t = reviewsTenant("rvnew");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "knead rye dough", {"bread"});

    auto r = suggest(suggester.api, q,
                     {{"title", title("knead rye dough by hand")},
                      {"body", body("knead rye dough")},  // unchanged: not stored
                      {"tags", {"bread", "Rye"}},
                      {"comment", "Better title and a tag"}});
    ASSERT_EQ(r.status, 201) << r;
    auto s = r.json();
    int64_t id = s["id"].get<int64_t>();
    EXPECT_EQ(s["state"], "pending");
    EXPECT_EQ(s["post_id"], q);
    EXPECT_EQ(s["question_id"], q);
    EXPECT_EQ(s["suggester"]["id"], suggester.id());
    EXPECT_EQ(s["comment"], "Better title and a tag");
    EXPECT_EQ(s["stale"], false);
    EXPECT_EQ(s["base_revision"], 1);
    EXPECT_TRUE(s["reviewer"].is_null());
    ASSERT_TRUE(s["changes"].contains("title")) << s;
    EXPECT_EQ(s["changes"]["title"]["after"], title("knead rye dough by hand"));
    EXPECT_THAT(s["changes"]["title"]["diff"].get<std::string>(), HasSubstr("<ins>"));
    EXPECT_EQ(s["changes"]["tags"]["after"], json({"bread", "rye"})) << "as core stores them";
    EXPECT_FALSE(s["changes"].contains("body")) << "an unchanged field is not part of it";

    EXPECT_EQ(scalarIn(t,
                       "SELECT count(*) FROM {s}.suggested_edits WHERE id = $1 AND body_md IS "
                       "NULL AND title IS NOT NULL AND tags = '{bread,rye}'",
                       id),
              1);
    // The post itself is untouched until someone approves.
    EXPECT_EQ(scalarIn(t, "SELECT revision_count FROM {s}.posts WHERE id = $1", q), 1);
    EXPECT_EQ(notificationsOf(t, author.id(), "reviews.suggested"), 1);
    EXPECT_EQ(textIn(t, "SELECT link FROM {s}.notifications WHERE member_id = $1", author.id()),
              pagePath(id));

    auto shown = suggester.api.get(editPath(id));
    ASSERT_EQ(shown.status, 200) << shown;
    EXPECT_EQ(shown.json()["current"]["title"], title("knead rye dough"));
    EXPECT_EQ(shown.json()["suggested"]["title"], title("knead rye dough by hand"));
    EXPECT_EQ(shown.json()["suggested"]["body"], body("knead rye dough"));
    EXPECT_TRUE(shown.json()["three_way"].is_null());
}

TEST_F(ReviewsApiTest, AnswersTakeBodySuggestions) {
    auto t = reviewsTenant("rvans");
    auto asker = member(t);
    auto answerer = member(t);
    auto suggester = member(t);
    int64_t q = askId(asker.api, "store flour");
    int64_t a = answerId(answerer.api, q, "store flour");
    auto s = suggested(suggester.api, a, bodyEdit("store flour in jars"));
    EXPECT_EQ(s["question_id"], q);
    EXPECT_EQ(s["post_type"], "answer");
    EXPECT_EQ(notificationsOf(t, answerer.id(), "reviews.suggested"), 1) << "the answer's author";
    EXPECT_EQ(notificationsOf(t, asker.id(), "reviews.suggested"), 0);
    decide(answerer.api, s["id"], "approve");
    EXPECT_EQ(scalarIn(t, "SELECT revision_count FROM {s}.posts WHERE id = $1", a), 2);
}

TEST_F(ReviewsApiTest, RefusedSuggestionsWriteNothing) {
    auto t = reviewsTenant("rvbad");
    auto author = member(t);
    auto suggester = member(t);
    auto mod = member(t, "moderator");
    int64_t q = askId(author.api, "proof yeast");
    int64_t locked = askId(author.api, "proof yeast when locked");
    int64_t deleted = askId(author.api, "proof yeast when deleted");
    expect(mod.api.post("/api/v1/posts/" + std::to_string(locked) + "/lock", json::object()), 200,
           "lock");
    expect(mod.api.post("/api/v1/posts/" + std::to_string(deleted) + "/delete", json::object()),
           200, "delete");
    auto before = reviewState(t);

    EXPECT_TRUE(refused(suggester.api.anonymous().post(suggestPath(q), bodyEdit("x")), 401,
                        "unauthorized"));
    EXPECT_TRUE(refused(suggest(suggester.api, 999999, bodyEdit("x")), 404, "not_found"));
    EXPECT_TRUE(refused(suggest(suggester.api, deleted, bodyEdit("x")), 404, "not_found"));
    EXPECT_TRUE(refused(suggest(suggester.api, locked, bodyEdit("x")), 403, "locked"));
    // Those who can edit are told to, not queued.
    EXPECT_TRUE(refused(suggest(author.api, q, bodyEdit("x")), 409, "edit_directly"));
    EXPECT_TRUE(refused(suggest(mod.api, q, bodyEdit("x")), 409, "edit_directly"));
    // The summary is required and bounded by core's edit-summary limit.
    auto no_comment = bodyEdit("x");
    no_comment.erase("comment");
    EXPECT_TRUE(refused(suggest(suggester.api, q, no_comment), 422, "invalid", "comment"));
    auto blank = bodyEdit("x");
    blank["comment"] = "   ";
    EXPECT_TRUE(refused(suggest(suggester.api, q, blank), 422, "invalid", "comment"));
    auto long_comment = bodyEdit("x");
    long_comment["comment"] = std::string(256, 'c');
    EXPECT_TRUE(refused(suggest(suggester.api, q, long_comment), 422, "invalid", "comment"));
    // Core validates the fields as it would a direct edit.
    EXPECT_TRUE(refused(suggest(suggester.api, q, {{"title", "Short"}, {"comment", "Shorter"}}),
                        422, "invalid", "title"));
    EXPECT_TRUE(refused(suggest(suggester.api, q, {{"body", "too short"}, {"comment", "Trim"}}),
                        422, "invalid", "body"));
    EXPECT_TRUE(refused(suggest(suggester.api, q, {{"tags", {"<b>"}}, {"comment", "Tags"}}), 422,
                        "invalid", "tags"));
    EXPECT_TRUE(refused(suggest(suggester.api, q, {{"tags", json::array()}, {"comment", "Tags"}}),
                        422, "invalid", "tags"));
    EXPECT_TRUE(refused(suggest(suggester.api, q, {{"title", 7}, {"comment", "Tags"}}), 422,
                        "invalid", "title"));
    // A suggestion that changes nothing is not a suggestion.
    EXPECT_TRUE(refused(
        suggest(suggester.api, q, {{"body", body("proof yeast")}, {"comment", "Nothing really"}}),
        422, "invalid", "body"));
    EXPECT_TRUE(refused(suggest(suggester.api, q, {{"comment", "Nothing at all"}}), 422, "invalid",
                        "body"));
    EXPECT_TRUE(refused(suggester.api.send("POST", suggestPath(q), "{not json", "application/json"),
                        400, "bad_request"));
    EXPECT_EQ(reviewState(t), before);
}

TEST_F(ReviewsApiTest, OnePendingSuggestionPerPostIsADatabaseRule) {
    auto t = reviewsTenant("rvone");
    auto author = member(t);
    auto first = member(t);
    auto second = member(t);
    int64_t q = askId(author.api, "shape a baguette");
    int64_t id = suggestedId(first.api, q);
    auto before = reviewState(t);

    auto again = suggest(second.api, q, bodyEdit("shape a baguette better"));
    ASSERT_TRUE(refused(again, 409, "suggestion_pending"));
    EXPECT_THAT(again.errorMessage(), HasSubstr(std::to_string(id)));
    EXPECT_TRUE(refused(suggest(first.api, q, bodyEdit("and again")), 409, "suggestion_pending"));
    EXPECT_EQ(reviewState(t), before);

    // Not only the code: the table refuses a second pending row for the post.
    auto lease = server().db();
    EXPECT_ANY_THROW(lease->q(inSchema(t,
                                       "INSERT INTO {s}.suggested_edits (post_id, suggester_id, "
                                       "base_revision, body_md, comment) VALUES ($1, $2, 1, "
                                       "'another body long enough to be a body', 'sneaky')"),
                              q, second.id()));
    EXPECT_EQ(suggestionCount(t), 1);

    // Once it is decided, the post takes a new one.
    decide(first.api, id, "retract");
    EXPECT_EQ(suggest(second.api, q, bodyEdit("shape a baguette, retried")).status, 201);
}

TEST_F(ReviewsApiTest, SimultaneousSuggestionsOnOnePostLeaveExactlyOne) {
    auto t = reviewsTenant("rvrace");
    auto author = member(t);
    std::vector<Member> members;
    for (int i = 0; i < 6; ++i)
        members.push_back(member(t));
    for (int round = 0; round < 3; ++round) {
        int64_t q = askId(author.api, "race " + std::to_string(round));
        std::atomic<int> created{0}, conflicts{0}, other{0};
        std::vector<std::thread> threads;
        for (auto& m : members)
            threads.emplace_back([&, api = m.api]() mutable {
                auto r = suggest(api, q, bodyEdit("race"));
                (r.status == 201                         ? created
                 : r.errorCode() == "suggestion_pending" ? conflicts
                                                         : other)++;
            });
        for (auto& th : threads)
            th.join();
        EXPECT_EQ(created.load(), 1) << "round " << round;
        EXPECT_EQ(conflicts.load(), 5) << "round " << round;
        EXPECT_EQ(other.load(), 0) << "round " << round;
        EXPECT_EQ(scalarIn(t, "SELECT count(*) FROM {s}.suggested_edits WHERE post_id = $1", q), 1);
    }
}

TEST_F(ReviewsApiTest, PendingSuggestionsAreRateLimitedPerDayStricterForNewMembers) {
    auto t = reviewsTenant("rvrate", {{"rate_limit.new_user.suggested_edits_per_day", 2},
                                      {"rate_limit.suggested_edits_per_day", 4}});
    auto author = member(t);
    auto fresh = member(t);
    std::vector<int64_t> posts;
    for (int i = 0; i < 6; ++i)
        posts.push_back(askId(author.api, "limit " + std::to_string(i)));
    int64_t first = suggestedId(fresh.api, posts[0]);
    suggestedId(fresh.api, posts[1]);
    auto before = reviewState(t);
    auto limited = suggest(fresh.api, posts[2], bodyEdit("limit"));
    ASSERT_TRUE(refused(limited, 429, "rate_limited"));
    EXPECT_FALSE(limited.header("Retry-After").empty());
    EXPECT_EQ(reviewState(t), before);
    // Reviewed ones no longer wait, so they stop counting.
    decide(author.api, first, "approve");
    EXPECT_EQ(suggest(fresh.api, posts[2], bodyEdit("limit")).status, 201);

    // Members with Participate Everywhere get the higher limit (new_site_mode grants it to all).
    auto roomy = reviewsTenant("rvrate2", {{"rate_limit.new_user.suggested_edits_per_day", 1},
                                           {"rate_limit.suggested_edits_per_day", 3},
                                           {"abilities.new_site_mode", true}});
    auto owner = member(roomy);
    auto established = member(roomy);
    std::vector<int64_t> more;
    for (int i = 0; i < 4; ++i)
        more.push_back(askId(owner.api, "roomy " + std::to_string(i)));
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(suggest(established.api, more[i], bodyEdit("roomy")).status, 201) << i;
    EXPECT_TRUE(refused(suggest(established.api, more[3], bodyEdit("roomy")), 429, "rate_limited"));
}

TEST_F(ReviewsApiTest, SimultaneousSuggestionsCannotOvershootTheRateLimit) {
    auto t = reviewsTenant("rvrate3", {{"rate_limit.new_user.suggested_edits_per_day", 3}});
    auto author = member(t);
    auto eager = member(t);
    std::vector<int64_t> posts;
    for (int i = 0; i < 8; ++i)
        posts.push_back(askId(author.api, "eager " + std::to_string(i)));
    std::atomic<int> created{0}, limited{0};
    std::vector<std::thread> threads;
    for (int64_t p : posts)
        threads.emplace_back([&, p, api = eager.api]() mutable {
            auto r = suggest(api, p, bodyEdit("eager"));
            if (r.status == 201)
                ++created;
            else if (r.status == 429)
                ++limited;
        });
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(created.load(), 3);
    EXPECT_EQ(limited.load(), 5);
    EXPECT_EQ(suggestionCount(t), 3);
}

TEST_F(ReviewsApiTest, ApprovalAppliesTheEditCreditedToTheSuggesterWithTheReviewerNamed) {
    auto t = reviewsTenant("rvok");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "score a loaf", {"bread"});
    auto s = suggested(suggester.api, q,
                       {{"title", title("score a sourdough loaf")},
                        {"body", body("score a sourdough loaf") + " With a razor."},
                        {"tags", {"bread", "sourdough"}},
                        {"comment", "Named the kind of loaf"}});
    int64_t id = s["id"].get<int64_t>();

    auto approved = decide(author.api, id, "approve", {{"comment", "Much clearer, thanks"}});
    EXPECT_EQ(approved["state"], "approved");
    EXPECT_EQ(approved["reviewer"]["id"], author.id());
    EXPECT_EQ(approved["review_comment"], "Much clearer, thanks");
    EXPECT_EQ(approved["applied_revision"], 2);
    EXPECT_FALSE(approved["decided_at"].is_null());

    auto post = expect(author.api.get("/api/v1/posts/" + std::to_string(q)), 200, "post");
    EXPECT_EQ(post["title"], title("score a sourdough loaf"));
    EXPECT_EQ(post["body"], body("score a sourdough loaf") + " With a razor.");
    EXPECT_EQ(post["tags"], json({"bread", "sourdough"}));
    EXPECT_EQ(scalarIn(t,
                       "SELECT count(*) FROM {s}.revisions WHERE post_id = $1 AND number = 2 AND "
                       "editor_id = $2 AND reviewer_id = $3 AND comment = 'Named the kind of "
                       "loaf'",
                       q, suggester.id(), author.id()),
              1);
    EXPECT_EQ(scalarIn(t,
                       "SELECT count(*) FROM {s}.post_tags pt JOIN {s}.tags g ON g.id = "
                       "pt.tag_id WHERE pt.post_id = $1 AND g.name = 'sourdough'",
                       q),
              1);
    // Told, with the reviewer's words (QPixel never tells the suggester).
    EXPECT_EQ(notificationsOf(t, suggester.id(), "reviews.approved"), 1);
    EXPECT_THAT(lastNotificationText(t, suggester.id(), "reviews.approved"),
                HasSubstr("Much clearer, thanks"));
    auto inbox = expect(suggester.api.get("/api/v1/notifications"), 200, "inbox");
    ASSERT_FALSE(inbox["items"].empty()) << inbox;
    EXPECT_EQ(inbox["items"][0]["kind"], "reviews.approved");
    EXPECT_EQ(inbox["items"][0]["link"], pagePath(id));
    // edit.approved reached the abilities plugin.
    auto edits = editCriterion(suggester.api, suggester.id());
    EXPECT_EQ(edits["good"], 1) << edits;
    EXPECT_EQ(edits["bad"], 0) << edits;
    // The history names both.
    auto history =
        expect(author.api.get("/api/v1/posts/" + std::to_string(q) + "/history"), 200, "history");
    ASSERT_EQ(history["items"].size(), 2u) << history;
    EXPECT_EQ(history["items"][0]["editor"]["id"], suggester.id());
    EXPECT_EQ(history["items"][0]["reviewer"]["id"], author.id());
}

TEST_F(ReviewsApiTest, WhoMayDecideAndWhatCanBeDecidedTwice) {
    auto t = reviewsTenant("rvwho");
    auto author = member(t);
    auto suggester = member(t);
    auto bystander = member(t);
    auto mod = member(t, "moderator");
    int64_t q = askId(author.api, "cool bread");
    int64_t id = suggestedId(suggester.api, q);
    auto before = reviewState(t);

    EXPECT_TRUE(refused(author.api.anonymous().post(editPath(id, "approve"), json::object()), 401,
                        "unauthorized"));
    EXPECT_TRUE(refused(suggester.api.post(editPath(id, "approve"), json::object()), 403,
                        "own_suggestion"));
    EXPECT_TRUE(refused(suggester.api.post(editPath(id, "reject"), {{"comment", "Never mind"}}),
                        403, "own_suggestion"));
    EXPECT_TRUE(refused(bystander.api.post(editPath(id, "approve"), json::object()), 403,
                        "ability_required:edit_posts"));
    EXPECT_TRUE(refused(bystander.api.post(editPath(id, "reject"), {{"comment", "Nope nope"}}), 403,
                        "ability_required:edit_posts"));
    EXPECT_TRUE(
        refused(author.api.post(editPath(999999, "approve"), json::object()), 404, "not_found"));
    EXPECT_TRUE(refused(author.api.post("/api/v1/suggested-edits/abc/approve", json::object()), 404,
                        "not_found"));
    EXPECT_TRUE(
        refused(author.api.post(editPath(id, "approve"), {{"comment", std::string(601, 'x')}}), 422,
                "invalid", "comment"));
    EXPECT_EQ(reviewState(t), before);

    // A moderator may review anything.
    decide(mod.api, id, "approve");
    auto after = reviewState(t);
    EXPECT_TRUE(
        refused(author.api.post(editPath(id, "approve"), json::object()), 409, "already_decided"));
    EXPECT_TRUE(refused(author.api.post(editPath(id, "reject"), {{"comment", "Too late"}}), 409,
                        "already_decided"));
    EXPECT_TRUE(refused(suggester.api.post(editPath(id, "retract"), json::object()), 409,
                        "already_decided"));
    EXPECT_EQ(reviewState(t), after) << "nothing applied twice";
}

TEST_F(ReviewsApiTest, SuggestionsOnADeletedPostAreHiddenAndCannotBeApplied) {
    auto t = reviewsTenant("rvdel");
    auto author = member(t);
    auto suggester = member(t);
    auto mod = member(t, "moderator");
    int64_t q = askId(author.api, "vanish soon");
    int64_t id = suggestedId(suggester.api, q);
    expect(mod.api.post("/api/v1/posts/" + std::to_string(q) + "/delete", json::object()), 200,
           "delete");
    auto before = reviewState(t);
    EXPECT_TRUE(refused(mod.api.post(editPath(id, "approve"), json::object()), 409, "deleted"));
    EXPECT_TRUE(refused(author.api.post(editPath(id, "approve"), json::object()), 409, "deleted"));
    EXPECT_TRUE(refused(suggester.api.get(editPath(id)), 404, "not_found"));
    EXPECT_THAT(ids(expect(suggester.api.get("/api/v1/suggested-edits"), 200, "list")["items"]),
                IsEmpty());
    EXPECT_EQ(reviewState(t), before);
    // It can still be rejected, so it doesn't wait forever.
    EXPECT_EQ(decide(mod.api, id, "reject", {{"comment", "The post is gone"}})["state"],
              "rejected");
}

TEST_F(ReviewsApiTest, RejectionNeedsACommentCountsAndTellsTheSuggester) {
    auto t = reviewsTenant("rvrej");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "bake at altitude");
    int64_t id = suggestedId(suggester.api, q);
    auto before = reviewState(t);
    EXPECT_TRUE(refused(author.api.post(editPath(id, "reject"), json::object()), 422, "invalid",
                        "comment"));
    EXPECT_TRUE(refused(author.api.post(editPath(id, "reject"), {{"comment", "  "}}), 422,
                        "invalid", "comment"));
    // Not outdated: the post hasn't changed, so this would dodge the count.
    EXPECT_TRUE(refused(author.api.post(editPath(id, "reject"),
                                        {{"comment", "Changes the meaning"}, {"outdated", true}}),
                        422, "invalid", "outdated"));
    EXPECT_EQ(reviewState(t), before);

    auto rejected = decide(author.api, id, "reject", {{"comment", "Changes the meaning"}});
    EXPECT_EQ(rejected["state"], "rejected");
    EXPECT_EQ(rejected["outdated"], false);
    EXPECT_EQ(rejected["review_comment"], "Changes the meaning");
    EXPECT_EQ(scalarIn(t, "SELECT revision_count FROM {s}.posts WHERE id = $1", q), 1);
    EXPECT_EQ(notificationsOf(t, suggester.id(), "reviews.rejected"), 1);
    EXPECT_THAT(lastNotificationText(t, suggester.id(), "reviews.rejected"),
                HasSubstr("Changes the meaning"));
    auto edits = editCriterion(suggester.api, suggester.id());
    EXPECT_EQ(edits["good"], 0) << edits;
    EXPECT_EQ(edits["bad"], 1) << edits;
}

TEST_F(ReviewsApiTest, StaleSuggestionIsRefusedAndRejectedAsOutdatedWithoutCounting) {
    auto t = reviewsTenant("rvstale");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "keep a starter alive", {"sourdough"});
    auto s = suggested(
        suggester.api, q,
        {{"body", body("keep a starter alive") + " Feed it daily."}, {"comment", "Added feeding"}});
    int64_t id = s["id"].get<int64_t>();
    // The author edits meanwhile.
    expect(author.api.patch(
               "/api/v1/posts/" + std::to_string(q),
               {{"body", body("keep a starter alive") + " In the fridge."}, {"comment", "Mine"}}),
           200, "direct edit");
    auto before = reviewState(t);

    auto stale = author.api.post(editPath(id, "approve"), json::object());
    ASSERT_TRUE(refused(stale, 409, "stale"));
    EXPECT_EQ(reviewState(t), before) << "nothing applied, nothing marked";
    EXPECT_EQ(expect(author.api.get("/api/v1/posts/" + std::to_string(q)), 200, "post")["body"],
              body("keep a starter alive") + " In the fridge.");

    auto shown = expect(author.api.get(editPath(id)), 200, "show");
    EXPECT_EQ(shown["stale"], true);
    EXPECT_EQ(shown["current_revision"], 2);
    ASSERT_TRUE(shown["three_way"].is_object()) << shown;
    EXPECT_EQ(shown["three_way"]["base"]["body"], body("keep a starter alive"));
    EXPECT_EQ(shown["three_way"]["current"]["body"],
              body("keep a starter alive") + " In the fridge.");
    EXPECT_EQ(shown["three_way"]["suggested"]["body"],
              body("keep a starter alive") + " Feed it daily.");
    EXPECT_THAT(shown["three_way"]["changed_since"]["body"]["diff"].get<std::string>(),
                HasSubstr("<ins>"));

    auto listed = expect(author.api.get("/api/v1/suggested-edits"), 200, "list");
    ASSERT_EQ(listed["items"].size(), 1u);
    EXPECT_EQ(listed["items"][0]["stale"], true);

    EXPECT_TRUE(refused(author.api.post(editPath(id, "reject"), {{"outdated", true}}), 422,
                        "invalid", "comment"));
    auto rejected = decide(author.api, id, "reject",
                           {{"comment", "I rewrote that part myself"}, {"outdated", true}});
    EXPECT_EQ(rejected["state"], "rejected");
    EXPECT_EQ(rejected["outdated"], true);
    auto edits = editCriterion(suggester.api, suggester.id());
    EXPECT_EQ(edits["good"], 0) << edits;
    EXPECT_EQ(edits["bad"], 0) << "outdated is not the suggester's fault: " << edits;
    EXPECT_THAT(lastNotificationText(t, suggester.id(), "reviews.rejected"), HasSubstr("outdated"));
}

TEST_F(ReviewsApiTest, RetractionIsTheSuggestersOwnAndNotARejection) {
    auto t = reviewsTenant("rvret");
    auto author = member(t);
    auto suggester = member(t);
    auto bystander = member(t);
    int64_t q = askId(author.api, "slice warm bread");
    int64_t id = suggestedId(suggester.api, q);
    auto before = reviewState(t);
    EXPECT_TRUE(
        refused(author.api.post(editPath(id, "retract"), json::object()), 403, "not_suggester"));
    EXPECT_TRUE(
        refused(bystander.api.post(editPath(id, "retract"), json::object()), 404, "not_found"))
        << "not theirs to see";
    EXPECT_TRUE(refused(author.api.anonymous().post(editPath(id, "retract"), json::object()), 401,
                        "unauthorized"));
    EXPECT_EQ(reviewState(t), before);

    auto retracted = decide(suggester.api, id, "retract");
    EXPECT_EQ(retracted["state"], "retracted");
    EXPECT_TRUE(retracted["reviewer"].is_null());
    auto edits = editCriterion(suggester.api, suggester.id());
    EXPECT_EQ(edits["good"], 0) << edits;
    EXPECT_EQ(edits["bad"], 0) << "a retraction is not a rejection (QPixel #1047): " << edits;
    EXPECT_EQ(notificationsOf(t, suggester.id(), "reviews.rejected"), 0);
    EXPECT_TRUE(refused(suggester.api.post(editPath(id, "retract"), json::object()), 409,
                        "already_decided"));
    EXPECT_TRUE(
        refused(author.api.post(editPath(id, "approve"), json::object()), 409, "already_decided"));
}

TEST_F(ReviewsApiTest, ListShowsEachViewerWhatTheyMayReviewInQueueOrder) {
    auto t = reviewsTenant("rvlist");
    auto alice = member(t);
    auto bob = member(t);
    auto carol = member(t);
    auto dave = member(t);
    auto mod = member(t, "moderator");
    int64_t qa = askId(alice.api, "list one");
    int64_t qb = askId(bob.api, "list two");
    int64_t qc = askId(alice.api, "list three");
    int64_t s1 = suggestedId(carol.api, qa);
    int64_t s2 = suggestedId(carol.api, qb);
    int64_t s3 = suggestedId(dave.api, qc);

    auto ids_for = [&](HttpClient& api, const std::string& query) {
        auto r = api.get("/api/v1/suggested-edits" + query);
        EXPECT_EQ(r.status, 200) << r;
        return r.status == 200 ? ids(r.json()["items"]) : std::vector<int64_t>{};
    };
    EXPECT_THAT(ids_for(mod.api, ""), ElementsAre(s1, s2, s3)) << "oldest first";
    EXPECT_THAT(ids_for(mod.api, "?state=pending&per_page=2"), ElementsAre(s1, s2));
    EXPECT_THAT(ids_for(mod.api, "?state=pending&per_page=2&page=2"), ElementsAre(s3));
    auto page = expect(mod.api.get("/api/v1/suggested-edits?per_page=2"), 200, "list");
    EXPECT_EQ(page["total"], 3);
    EXPECT_EQ(page["page"], 1);
    EXPECT_EQ(page["per_page"], 2);
    EXPECT_THAT(ids_for(carol.api, ""), ElementsAre(s1, s2)) << "their own";
    EXPECT_THAT(ids_for(alice.api, ""), ElementsAre(s1, s3)) << "on their posts";
    EXPECT_THAT(ids_for(bob.api, ""), ElementsAre(s2));
    auto outsider = member(t);
    EXPECT_THAT(ids_for(outsider.api, ""), IsEmpty());
    EXPECT_TRUE(refused(outsider.api.get(editPath(s1)), 404, "not_found"));
    EXPECT_EQ(carol.api.get(editPath(s1)).status, 200);
    EXPECT_EQ(alice.api.get(editPath(s1)).status, 200);
    EXPECT_EQ(mod.api.get(editPath(s1)).status, 200);
    EXPECT_TRUE(refused(mod.api.get(editPath(999999)), 404, "not_found"));

    EXPECT_TRUE(refused(mod.api.anonymous().get("/api/v1/suggested-edits"), 401, "unauthorized"));
    EXPECT_TRUE(refused(mod.api.anonymous().get(editPath(s1)), 401, "unauthorized"));
    EXPECT_TRUE(
        refused(mod.api.get("/api/v1/suggested-edits?state=open"), 422, "invalid", "state"));
    EXPECT_TRUE(
        refused(mod.api.get("/api/v1/suggested-edits?per_page=101"), 422, "invalid", "per_page"));
    EXPECT_TRUE(refused(mod.api.get("/api/v1/suggested-edits?page=0"), 422, "invalid", "page"));

    // Decided ones by state, the newest decision first.
    decide(alice.api, s3, "approve");
    decide(alice.api, s1, "approve");
    decide(carol.api, s2, "retract");
    EXPECT_THAT(ids_for(mod.api, ""), IsEmpty());
    EXPECT_THAT(ids_for(mod.api, "?state=approved"), ElementsAre(s1, s3));
    EXPECT_THAT(ids_for(mod.api, "?state=retracted"), ElementsAre(s2));
    EXPECT_THAT(ids_for(mod.api, "?state=rejected"), IsEmpty());
    auto approved = expect(mod.api.get("/api/v1/suggested-edits?state=approved"), 200, "list");
    EXPECT_EQ(approved["items"][0]["stale"], false) << "decided ones are never stale";
    EXPECT_THAT(approved["items"][0]["changes"]["body"]["diff"].get<std::string>(),
                HasSubstr("<ins>"))
        << "a decided one shows what it changed from";
}

TEST_F(ReviewsApiTest, TwoReviewersApprovingAtOnceMakeExactlyOneDecision) {
    auto t = reviewsTenant("rvcon");
    auto author = member(t);
    auto suggester = member(t);
    auto mod = member(t, "moderator");
    int64_t q = askId(author.api, "race to approve");
    const int rounds = 12;
    for (int round = 0; round < rounds; ++round) {
        int64_t id = suggestedId(suggester.api, q, "race " + std::to_string(round));
        int64_t revisions = scalarIn(t, "SELECT count(*) FROM {s}.revisions WHERE post_id = $1", q);
        std::atomic<int> ok{0}, conflict{0}, other{0};
        std::atomic<bool> go{false};
        auto approve = [&](HttpClient api, const std::string& action) {
            while (!go.load())
                std::this_thread::yield();
            json body = action == "reject" ? json{{"comment", "Racing reject"}} : json::object();
            auto r = api.post(editPath(id, action), body);
            if (r.status == 200)
                ++ok;
            else if (r.status == 409 && r.errorCode() == "already_decided")
                ++conflict;
            else
                ++other;
        };
        // Every third round one of them rejects instead: still exactly one decision.
        std::thread a(approve, author.api, "approve");
        std::thread b(approve, mod.api, round % 3 == 2 ? "reject" : "approve");
        go = true;
        a.join();
        b.join();
        EXPECT_EQ(ok.load(), 1) << "round " << round;
        EXPECT_EQ(conflict.load(), 1) << "round " << round;
        EXPECT_EQ(other.load(), 0) << "round " << round;
        int64_t added =
            scalarIn(t, "SELECT count(*) FROM {s}.revisions WHERE post_id = $1", q) - revisions;
        std::string state = textIn(t, "SELECT state FROM {s}.suggested_edits WHERE id = $1", id);
        EXPECT_EQ(added, state == "approved" ? 1 : 0) << "round " << round;
    }
    auto edits = editCriterion(suggester.api, suggester.id());
    EXPECT_EQ(edits["good"].get<int64_t>() + edits["bad"].get<int64_t>(), rounds) << edits;
    EXPECT_EQ(edits["good"].get<int64_t>(), suggestionCount(t, "approved"));
}

TEST_F(ReviewsApiTest, ThirtySixApprovedSuggestionsEarnEditPosts) {
    auto t = reviewsTenant("rvmission");
    auto author = member(t);
    auto learner = member(t);
    auto newcomer = member(t);
    int64_t q = askId(author.api, "learn to edit");
    int64_t other = askId(author.api, "be reviewed by the learner");
    for (int i = 1; i <= 36; ++i) {
        int64_t id = suggestedId(learner.api, q, "step " + std::to_string(i));
        decide(author.api, id, "approve");
        if (i == 35) {
            EXPECT_FALSE(holds(learner.api, "edit_posts")) << "35 approvals: 37/39 < 0.95";
        }
    }
    EXPECT_TRUE(holds(learner.api, "edit_posts"));
    auto edits = editCriterion(learner.api, learner.id());
    EXPECT_EQ(edits["good"], 36) << edits;
    EXPECT_EQ(edits["bad"], 0) << edits;

    // From now on they edit directly …
    EXPECT_TRUE(refused(suggest(learner.api, q, bodyEdit("one more")), 409, "edit_directly"));
    auto direct = learner.api.patch(
        "/api/v1/posts/" + std::to_string(q),
        {{"body", body("learn to edit") + " Directly now."}, {"comment", "Edited myself"}});
    EXPECT_EQ(direct.status, 200) << direct;
    // … and review others' suggestions.
    int64_t theirs = suggestedId(newcomer.api, other, "newcomer");
    auto queue = expect(learner.api.get("/api/v1/suggested-edits"), 200, "queue");
    EXPECT_THAT(ids(queue["items"]), ::testing::Contains(theirs));
    auto approved = decide(learner.api, theirs, "approve");
    EXPECT_EQ(approved["reviewer"]["id"], learner.id());
    EXPECT_EQ(editCriterion(newcomer.api, newcomer.id())["good"], 1);
}

TEST_F(ReviewsApiTest, AnotherTenantsIdsAreNotFound) {
    auto a = reviewsTenant("rvisoa");
    auto b = reviewsTenant("rvisob");
    auto author = member(a);
    auto suggester = member(a);
    int64_t q = askId(author.api, "stay in my tenant");
    int64_t id = suggestedId(suggester.api, q);
    auto b_mod = member(b, "moderator");
    auto b_member = member(b);
    auto before_a = reviewState(a);
    auto before_b = reviewState(b);
    EXPECT_TRUE(refused(b_mod.api.get(editPath(id)), 404, "not_found"));
    EXPECT_TRUE(refused(b_mod.api.post(editPath(id, "approve"), json::object()), 404, "not_found"));
    EXPECT_TRUE(refused(b_mod.api.post(editPath(id, "reject"), {{"comment", "Not here"}}), 404,
                        "not_found"));
    EXPECT_TRUE(
        refused(b_member.api.post(editPath(id, "retract"), json::object()), 404, "not_found"));
    EXPECT_TRUE(refused(suggest(b_member.api, q, bodyEdit("cross")), 404, "not_found"));
    EXPECT_THAT(ids(expect(b_mod.api.get("/api/v1/suggested-edits"), 200, "list")["items"]),
                IsEmpty());
    // A's credentials on B's host are not A's member there.
    EXPECT_EQ(suggester.api.onHost(b.host).post(editPath(id, "retract"), json::object()).status,
              401);
    EXPECT_EQ(reviewState(a), before_a);
    EXPECT_EQ(reviewState(b), before_b);

    // And a tenant without the plugin has none of its routes.
    auto plain = server().createTenant("rvnone");
    auto plain_user = server().createUser(plain);
    auto plain_api = server().apiClient(plain, plain_user);
    EXPECT_EQ(plain_api.get("/api/v1/suggested-edits").status, 404);
}

}  // namespace

}  // namespace agora::test
