#include "SuggestionStore.h"

namespace agora::reviews {

namespace {

// Columns of a suggestion with its post (now and at the base revision) and the names involved.
// "FOR UPDATE OF s" locks only the suggestion: the outer joins can't be locked, and the post
// row is core's to lock when the edit is applied.
const std::string kSuggestionFrom =
    "SELECT s.id, s.post_id, s.suggester_id, sm.display_name AS suggester_name, "
    "s.base_revision, s.title, s.body_md AS body, array_to_json(s.tags) AS tags, s.comment, "
    "s.state, s.reviewer_id, rm.display_name AS reviewer_name, s.review_comment, s.outdated, "
    "s.applied_revision, " +
    iso("s.created_at") + " AS created_at, " + iso("s.decided_at") +
    " AS decided_at, p.post_type, p.author_id AS post_author_id, coalesce(p.parent_id, p.id) "
    "AS question_id, coalesce(q.title, p.title) AS thread_title, p.title AS current_title, "
    "p.body_md AS current_body, array_to_json(p.tags) AS current_tags, p.revision_count AS "
    "current_revision, (p.deleted_at IS NOT NULL OR q.deleted_at IS NOT NULL) AS post_deleted, "
    "p.locked_at IS NOT NULL AS post_locked, b.title AS base_title, b.body_md AS base_body, "
    "array_to_json(b.tags) AS base_tags "
    "FROM suggested_edits s JOIN posts p ON p.id = s.post_id "
    "LEFT JOIN posts q ON q.id = p.parent_id "
    "JOIN members sm ON sm.id = s.suggester_id "
    "LEFT JOIN members rm ON rm.id = s.reviewer_id "
    "LEFT JOIN revisions b ON b.post_id = s.post_id AND b.number = s.base_revision ";

// $1 state, $2 viewer, $3 is reviewer, $4 is moderator.
const std::string kVisible =
    "WHERE s.state = $1 AND ($3::boolean OR s.suggester_id = $2 OR p.author_id = $2) "
    "AND ((p.deleted_at IS NULL AND q.deleted_at IS NULL) OR $4::boolean OR p.author_id = $2) ";

Suggestion fromRow(json row) {
    Suggestion s;
    s.id = row["id"].get<int64_t>();
    s.post_id = row["post_id"].get<int64_t>();
    s.suggester_id = row["suggester_id"].get<int64_t>();
    s.base_revision = row["base_revision"].get<int64_t>();
    s.state = row["state"].get<std::string>();
    s.post_author_id = row["post_author_id"].get<int64_t>();
    s.post_deleted = row["post_deleted"].get<bool>();
    s.post_locked = row["post_locked"].get<bool>();
    s.current_revision = row["current_revision"].get<int64_t>();
    s.row = std::move(row);
    return s;
}

}  // namespace

std::optional<PostRow> SuggestionStore::post(int64_t id) const {
    auto r = rows(call_,
                  "SELECT p.id, p.post_type, p.author_id, coalesce(p.parent_id, p.id) AS "
                  "question_id, coalesce(q.title, p.title) AS thread_title, p.title, p.body_md, "
                  "array_to_json(p.tags) AS tags, p.revision_count, p.locked_at IS NOT NULL AS "
                  "locked, (p.deleted_at IS NOT NULL OR q.deleted_at IS NOT NULL) AS deleted "
                  "FROM posts p LEFT JOIN posts q ON q.id = p.parent_id WHERE p.id = $1",
                  args(id));
    if (r.empty())
        return std::nullopt;
    const auto& row = r[0];
    PostRow p;
    p.id = row["id"].get<int64_t>();
    p.is_question = row["post_type"] == "question";
    p.author_id = row["author_id"].get<int64_t>();
    p.question_id = row["question_id"].get<int64_t>();
    p.thread_title = row["thread_title"].is_string() ? row["thread_title"].get<std::string>() : "";
    p.title = row["title"];
    p.body = row["body_md"].get<std::string>();
    p.tags = row["tags"].is_array() ? row["tags"] : json::array();
    p.revision = row["revision_count"].get<int64_t>();
    p.locked = row["locked"].get<bool>();
    p.deleted = row["deleted"].get<bool>();
    return p;
}

std::optional<Suggestion> SuggestionStore::find(int64_t id, bool lock) const {
    auto r = rows(call_, kSuggestionFrom + "WHERE s.id = $1" + (lock ? " FOR UPDATE OF s" : ""),
                  args(id));
    if (r.empty())
        return std::nullopt;
    return fromRow(std::move(r[0]));
}

void SuggestionStore::lockMember(int64_t member_id) const {
    // Accounts are network-wide, so the key carries the schema: one tenant's member never
    // waits for the same account on another tenant.
    call_.query(
        "SELECT pg_advisory_xact_lock(hashtextextended('reviews.suggest:' || current_schema() "
        "|| ':' || $1::text, 0))",
        args(member_id));
}

int64_t SuggestionStore::pendingInLastDay(int64_t member_id) const {
    auto r = rows(call_,
                  "SELECT count(*) AS n FROM suggested_edits WHERE suggester_id = $1 AND state = "
                  "'pending' AND created_at > now() - interval '24 hours'",
                  args(member_id));
    return r[0]["n"].get<int64_t>();
}

std::optional<int64_t> SuggestionStore::insert(const NewSuggestion& s) const {
    // Tags travel as JSON text; null stays null ("unchanged"), [] would mean "no tags".
    auto r = rows(call_,
                  "INSERT INTO suggested_edits (post_id, suggester_id, base_revision, title, "
                  "body_md, tags, comment) VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::jsonb IS "
                  "NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text($6::jsonb)) END, "
                  "$7) ON CONFLICT (post_id) WHERE state = 'pending' DO NOTHING RETURNING id",
                  json::array({s.post_id, s.suggester_id, s.base_revision, s.title, s.body,
                               s.tags.is_null() ? json(nullptr) : json(s.tags.dump()), s.comment})
                      .dump());
    if (r.empty())
        return std::nullopt;
    return r[0]["id"].get<int64_t>();
}

std::optional<int64_t> SuggestionStore::pendingOn(int64_t post_id) const {
    auto r = rows(call_, "SELECT id FROM suggested_edits WHERE post_id = $1 AND state = 'pending'",
                  args(post_id));
    if (r.empty())
        return std::nullopt;
    return r[0]["id"].get<int64_t>();
}

bool SuggestionStore::approve(int64_t id, int64_t reviewer_id, const std::string& comment,
                              int64_t applied_revision) const {
    auto r = rows(call_,
                  "UPDATE suggested_edits SET state = 'approved', reviewer_id = $2, "
                  "review_comment = nullif($3, ''), applied_revision = $4, decided_at = now() "
                  "WHERE id = $1 AND state = 'pending' RETURNING id",
                  args(id, reviewer_id, comment, applied_revision));
    return !r.empty();
}

bool SuggestionStore::reject(int64_t id, int64_t reviewer_id, const std::string& comment,
                             bool outdated) const {
    auto r = rows(call_,
                  "UPDATE suggested_edits SET state = 'rejected', reviewer_id = $2, "
                  "review_comment = $3, outdated = $4, decided_at = now() WHERE id = $1 AND "
                  "state = 'pending' RETURNING id",
                  args(id, reviewer_id, comment, outdated));
    return !r.empty();
}

bool SuggestionStore::retract(int64_t id) const {
    auto r = rows(call_,
                  "UPDATE suggested_edits SET state = 'retracted', decided_at = now() WHERE id = "
                  "$1 AND state = 'pending' RETURNING id",
                  args(id));
    return !r.empty();
}

std::vector<Suggestion> SuggestionStore::list(const std::string& state, const ListViewer& viewer,
                                              int64_t page, int64_t per_page) const {
    const char* order = state == "pending" ? "ORDER BY s.created_at, s.id "
                                           : "ORDER BY s.decided_at DESC, s.id DESC ";
    auto r = rows(
        call_, kSuggestionFrom + kVisible + order + "LIMIT $5 OFFSET $6",
        args(state, viewer.id, viewer.reviewer, viewer.moderator, per_page, (page - 1) * per_page));
    std::vector<Suggestion> out;
    for (auto& row : r)
        out.push_back(fromRow(std::move(row)));
    return out;
}

int64_t SuggestionStore::count(const std::string& state, const ListViewer& viewer) const {
    auto r = rows(call_,
                  "SELECT count(*) AS n FROM suggested_edits s JOIN posts p ON p.id = s.post_id "
                  "LEFT JOIN posts q ON q.id = p.parent_id " +
                      kVisible,
                  args(state, viewer.id, viewer.reviewer, viewer.moderator));
    return r[0]["n"].get<int64_t>();
}

int64_t SuggestionStore::actionable(const ListViewer& viewer) const {
    auto r = rows(call_,
                  "SELECT count(*) AS n FROM suggested_edits s JOIN posts p ON p.id = s.post_id "
                  "LEFT JOIN posts q ON q.id = p.parent_id " +
                      kVisible + "AND s.suggester_id <> $2",
                  args(std::string("pending"), viewer.id, viewer.reviewer, viewer.moderator));
    return r[0]["n"].get<int64_t>();
}

}  // namespace agora::reviews
