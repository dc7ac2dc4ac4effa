#include "content/PostQueries.h"

#include "content/PostService.h"
#include "util/Error.h"
#include "util/PercentDecode.h"
#include "util/TextDiff.h"

namespace agora {

namespace {

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

// The post columns every read selects, in this order (postJson depends on it).
const char* kPostColumns =
    "p.id, p.post_type, p.parent_id, p.title, p.body_md, p.body_html, array_to_json(p.tags)::text, "
    "p.score, p.up_votes, p.down_votes, p.answer_count, p.comment_count, p.revision_count, "
    ISO("p.created_at") ", " ISO("p.last_activity_at") ", " ISO("p.last_edited_at") ", "
    ISO("p.closed_at") ", cr.name, p.deleted_at IS NOT NULL, p.locked_at IS NOT NULL, "
    "p.author_id, m.display_name, m.username";
const char* kPostJoins =
    " FROM posts p JOIN members m ON m.id = p.author_id "
    "LEFT JOIN close_reasons cr ON cr.id = p.close_reason_id ";

json postJson(const db::PgResult& r, int i, bool with_body) {
    json p = {{"id", r.i64(i, 0)},
              {"type", r.str(i, 1)},
              {"score", r.i64(i, 7)},
              {"up_votes", r.i64(i, 8)},
              {"down_votes", r.i64(i, 9)},
              {"comment_count", r.i64(i, 11)},
              {"revision", r.i64(i, 12)},
              {"created_at", r.str(i, 13)},
              {"last_activity_at", r.str(i, 14)},
              {"edited_at", r.isNull(i, 15) ? json(nullptr) : json(r.str(i, 15))},
              {"deleted", r.boolean(i, 18)},
              {"locked", r.boolean(i, 19)},
              {"author",
               {{"id", r.i64(i, 20)}, {"display_name", r.str(i, 21)}, {"username", r.str(i, 22)}}}};
    if (r.text(i, 1) == "question") {
        p["title"] = r.str(i, 3);
        p["tags"] = json::parse(r.str(i, 6));
        p["has_tags"] = !p["tags"].empty();
        p["answer_count"] = r.i64(i, 10);
        p["closed"] = !r.isNull(i, 16);
        p["closed_at"] = r.isNull(i, 16) ? json(nullptr) : json(r.str(i, 16));
        p["close_reason"] = r.isNull(i, 17) ? json(nullptr) : json(r.str(i, 17));
    } else {
        p["question_id"] = r.i64(i, 2);
    }
    if (with_body) {
        p["body"] = r.str(i, 4);
        p["body_html"] = r.str(i, 5);
    }
    return p;
}

}  // namespace

ListQuery ListQuery::parse(const std::map<std::string, std::string>& params) {
    auto param = [&](const std::string& name, const std::string& fallback = "") {
        auto it = params.find(name);
        return it == params.end() ? fallback : it->second;
    };
    ListQuery q;
    q.sort = param("sort", "activity");
    if (q.sort != "activity" && q.sort != "newest" && q.sort != "score")
        throw Error::invalid("sort", "sort must be activity, newest or score");
    q.tag = param("tag");
    auto num = [&](const std::string& name, int64_t fallback) -> int64_t {
        auto v = param(name);
        if (v.empty())
            return fallback;
        if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
            throw Error::invalid(name, name + " must be a positive number");
        return std::stoll(v);
    };
    q.page = num("page", 1);
    q.per_page = num("per_page", 30);
    if (q.page < 1)
        throw Error::invalid("page", "page must be 1 or more");
    if (q.per_page < 1 || q.per_page > 100)
        throw Error::invalid("per_page", "per_page must be between 1 and 100");
    return q;
}

bool PostQueries::canSeeDeleted(int64_t author_id) {
    PostFacts f;
    f.author_id = author_id;
    f.deleted = true;
    return permissions_
        .decide(session_.db(), session_.tenant(), session_.viewer(), Action::ViewDeleted, &f)
        .allowed;
}

json PostQueries::listQuestions(const ListQuery& q) {
    auto& c = session_.db();
    std::string order = q.sort == "newest"  ? "p.created_at DESC"
                        : q.sort == "score" ? "p.score DESC, p.id DESC"
                                            : "p.last_activity_at DESC";
    int64_t offset = (q.page - 1) * q.per_page;
    db::PgResult rows, total;
    if (q.tag.empty()) {
        rows = c.q(std::string("SELECT ") + kPostColumns + kPostJoins +
                       "WHERE p.post_type = 'question' AND p.deleted_at IS NULL ORDER BY " + order +
                       " LIMIT $1 OFFSET $2",
                   q.per_page, offset);
        total = c.q("SELECT questions FROM site_counters WHERE id = 1");
    } else {
        rows = c.q(std::string("SELECT ") + kPostColumns + kPostJoins +
                       "JOIN post_tags pt ON pt.post_id = p.id JOIN tags t ON t.id = pt.tag_id "
                       "WHERE t.name = $3 AND p.post_type = 'question' AND p.deleted_at IS NULL "
                       "ORDER BY " +
                       order + " LIMIT $1 OFFSET $2",
                   q.per_page, offset, q.tag);
        total = c.q("SELECT question_count FROM tags WHERE name = $1", q.tag);
    }
    json items = json::array();
    for (int i = 0; i < rows.rows(); ++i)
        items.push_back(postJson(rows, i, false));
    return {{"items", items},
            {"page", q.page},
            {"per_page", q.per_page},
            {"total", total.empty() ? 0 : total.i64(0, 0)}};
}

json PostQueries::question(int64_t id) {
    auto& c = session_.db();
    // Question and answers in one statement, comments in a second, the viewer's votes in a
    // third: three queries for any thread size.
    auto rows = c.q(std::string("SELECT ") + kPostColumns + kPostJoins +
                        "WHERE (p.id = $1 AND p.post_type = 'question') OR p.parent_id = $1 "
                        "ORDER BY (p.post_type = 'question') DESC, p.score DESC, p.created_at",
                    id);
    if (rows.empty() || rows.text(0, 1) != "question")
        throw Error::notFound("no question " + std::to_string(id));
    json q = postJson(rows, 0, true);
    if (q["deleted"].get<bool>() && !canSeeDeleted(q["author"]["id"]))
        throw Error::notFound("no question " + std::to_string(id));
    bool mod_view = canSeeDeleted(0);
    json answers = json::array();
    std::map<int64_t, json*> by_id;
    for (int i = 1; i < rows.rows(); ++i) {
        json a = postJson(rows, i, true);
        if (a["deleted"].get<bool>() && !mod_view &&
            a["author"]["id"].get<int64_t>() != session_.viewer().account_id)
            continue;
        a["comments"] = json::array();
        answers.push_back(std::move(a));
    }
    q["comments"] = json::array();
    by_id[id] = &q;
    for (auto& a : answers)
        by_id[a["id"].get<int64_t>()] = &a;
    auto comments = c.q(
        "SELECT c.id, c.post_id, c.body_html, " ISO("c.created_at") ", c.author_id, "
        "m.display_name, c.body_md FROM comments c JOIN members m ON m.id = c.author_id "
        "WHERE c.deleted_at IS NULL AND c.post_id IN (SELECT id FROM posts WHERE id = $1 OR "
        "parent_id = $1) ORDER BY c.created_at, c.id",
        id);
    for (int i = 0; i < comments.rows(); ++i) {
        auto it = by_id.find(comments.i64(i, 1));
        if (it == by_id.end())
            continue;
        (*it->second)["comments"].push_back(
            {{"id", comments.i64(i, 0)},
             {"post_id", comments.i64(i, 1)},
             {"body", comments.str(i, 6)},
             {"body_html", comments.str(i, 2)},
             {"created_at", comments.str(i, 3)},
             {"author", {{"id", comments.i64(i, 4)}, {"display_name", comments.str(i, 5)}}}});
    }
    const auto& v = session_.viewer();
    if (v.signedIn()) {
        auto votes =
            c.q("SELECT post_id, value FROM votes WHERE member_id = $2 AND post_id IN "
                "(SELECT id FROM posts WHERE id = $1 OR parent_id = $1)",
                id, v.account_id);
        for (int i = 0; i < votes.rows(); ++i)
            if (auto it = by_id.find(votes.i64(i, 0)); it != by_id.end())
                (*it->second)["my_vote"] = votes.i64(i, 1);
    }
    q["answers"] = std::move(answers);
    return q;
}

json PostQueries::post(int64_t id) {
    auto rows =
        session_.db().q(std::string("SELECT ") + kPostColumns + kPostJoins + "WHERE p.id = $1", id);
    if (rows.empty())
        throw Error::notFound("no post " + std::to_string(id));
    json p = postJson(rows, 0, true);
    if (p["deleted"].get<bool>() && !canSeeDeleted(p["author"]["id"]))
        throw Error::notFound("no post " + std::to_string(id));
    return p;
}

json PostQueries::history(int64_t id) {
    json p = post(id);
    auto r = session_.db().q(
        "SELECT r.number, r.title, r.body_md, array_to_json(r.tags)::text, r.comment, "
        ISO("r.created_at") ", r.editor_id, m.display_name, r.reviewer_id, rm.display_name "
        "FROM revisions r JOIN members m ON m.id = r.editor_id "
        "LEFT JOIN members rm ON rm.id = r.reviewer_id WHERE r.post_id = $1 ORDER BY r.number",
        id);
    json items = json::array();
    for (int i = 0; i < r.rows(); ++i) {
        json rev = {{"number", r.i64(i, 0)},
                    {"title", r.isNull(i, 1) ? json(nullptr) : json(r.str(i, 1))},
                    {"body", r.str(i, 2)},
                    {"tags", json::parse(r.str(i, 3))},
                    {"has_tags", r.text(i, 3) != "[]"},
                    {"comment", r.str(i, 4)},
                    {"created_at", r.str(i, 5)},
                    {"editor", {{"id", r.i64(i, 6)}, {"display_name", r.str(i, 7)}}}};
        // A suggested edit someone approved: credited to the suggester, naming the reviewer.
        rev["reviewer"] = r.isNull(i, 8) ? json(nullptr)
                                         : json{{"id", r.i64(i, 8)}, {"display_name", r.str(i, 9)}};
        items.push_back(std::move(rev));
    }
    // Newest first, each with its difference from the one before.
    json out = json::array();
    for (size_t i = items.size(); i-- > 0;) {
        json rev = items[i];
        if (i > 0) {
            const auto& prev = items[i - 1];
            rev["body_diff_html"] = diffHtml(prev["body"], rev["body"]);
            if (rev["title"].is_string() && prev["title"].is_string())
                rev["title_diff_html"] = diffHtml(prev["title"], rev["title"]);
        }
        out.push_back(std::move(rev));
    }
    return {{"post", p}, {"items", out}, {"total", out.size()}};
}

json PostQueries::member(int64_t id) {
    auto r = session_.db().q(
        "SELECT id, username, display_name, role, " ISO("joined_at") ", question_count, "
        "answer_count, good_posts, bad_posts, post_score FROM members WHERE id = $1",
        id);
    if (r.empty())
        throw Error::notFound("no member " + std::to_string(id));
    return {{"id", r.i64(0, 0)},           {"username", r.str(0, 1)},
            {"display_name", r.str(0, 2)}, {"role", r.str(0, 3)},
            {"joined_at", r.str(0, 4)},    {"question_count", r.i64(0, 5)},
            {"answer_count", r.i64(0, 6)}, {"good_posts", r.i64(0, 7)},
            {"bad_posts", r.i64(0, 8)},    {"score", r.i64(0, 9)}};
}

json PostQueries::memberPosts(int64_t id, int64_t page, int64_t per_page) {
    bool all = canSeeDeleted(id);
    auto rows = session_.db().q(std::string("SELECT ") + kPostColumns +
                                    ", q.title AS question_title" + kPostJoins +
                                    "LEFT JOIN posts q ON q.id = p.parent_id "
                                    "WHERE p.author_id = $1 AND ($4 OR p.deleted_at IS NULL) "
                                    "ORDER BY p.created_at DESC LIMIT $2 OFFSET $3",
                                id, per_page, (page - 1) * per_page, all);
    json items = json::array();
    for (int i = 0; i < rows.rows(); ++i) {
        json p = postJson(rows, i, false);
        if (!rows.isNull(i, 23))
            p["question_title"] = rows.str(i, 23);
        items.push_back(std::move(p));
    }
    auto m = member(id);
    return {{"items", items},
            {"page", page},
            {"per_page", per_page},
            {"total", m["question_count"].get<int64_t>() + m["answer_count"].get<int64_t>()}};
}

json PostQueries::comment(int64_t id) {
    auto r = session_.db().q(
        "SELECT c.id, c.post_id, c.body_md, c.body_html, " ISO("c.created_at") ", c.author_id, "
        "m.display_name FROM comments c JOIN members m ON m.id = c.author_id "
        "WHERE c.id = $1 AND c.deleted_at IS NULL",
        id);
    if (r.empty())
        throw Error::notFound("no comment " + std::to_string(id));
    return {{"id", r.i64(0, 0)},
            {"post_id", r.i64(0, 1)},
            {"body", r.str(0, 2)},
            {"body_html", r.str(0, 3)},
            {"created_at", r.str(0, 4)},
            {"author", {{"id", r.i64(0, 5)}, {"display_name", r.str(0, 6)}}}};
}

json PostQueries::tags(int64_t page, int64_t per_page) {
    auto r = session_.db().q(
        "SELECT name, question_count FROM tags WHERE question_count > 0 "
        "ORDER BY question_count DESC, name LIMIT $1 OFFSET $2",
        per_page, (page - 1) * per_page);
    auto total = session_.db().q("SELECT count(*) FROM tags WHERE question_count > 0");
    json items = json::array();
    for (int i = 0; i < r.rows(); ++i)
        items.push_back({{"name", r.str(i, 0)},
                         {"query", urlEncode(r.str(i, 0))},
                         {"question_count", r.i64(i, 1)}});
    return {{"items", items}, {"page", page}, {"per_page", per_page}, {"total", total.i64(0, 0)}};
}

json PostQueries::closeReasons() {
    auto r =
        session_.db().q("SELECT id, name, description FROM close_reasons WHERE active ORDER BY id");
    json items = json::array();
    for (int i = 0; i < r.rows(); ++i)
        items.push_back({{"id", r.i64(i, 0)}, {"name", r.str(i, 1)}, {"description", r.str(i, 2)}});
    return items;
}

}  // namespace agora
