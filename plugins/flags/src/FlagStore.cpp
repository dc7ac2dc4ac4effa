#include "FlagStore.h"

namespace agora::flags {

namespace {

// Everything a flag's views need, in one statement: its type, flagger, target (post or
// comment, the question it is shown on and that target's author), handler and escalator.
const std::string kFlagColumns =
    "SELECT f.id, f.type_id, t.name AS type_name, t.confidential, f.flagger_id, "
    "fm.username AS flagger_username, fm.display_name AS flagger_display_name, f.post_id, "
    "f.comment_id, p.id AS on_post_id, q.id AS question_id, q.title AS question_title, "
    "ta.id AS target_author_id, ta.username AS target_author_username, "
    "ta.display_name AS target_author_display_name, "
    "left(CASE WHEN f.comment_id IS NULL THEN p.body_md ELSE c.body_md END, 400) AS target_text, "
    "(p.deleted_at IS NOT NULL OR q.deleted_at IS NOT NULL OR c.deleted_at IS NOT NULL) "
    "AS target_deleted, f.reason, f.status, f.message, f.handler_id, "
    "hm.username AS handler_username, hm.display_name AS handler_display_name, f.escalated_by, "
    "em.username AS escalated_by_username, em.display_name AS escalated_by_display_name, "
    "f.escalation_comment, extract(epoch FROM now() - f.created_at)::bigint AS age_seconds, " +
    iso("f.created_at") + " AS created_at, " + iso("f.handled_at") + " AS handled_at, " +
    iso("f.escalated_at") + " AS escalated_at ";
// The target's author is `ta` (a flag received), the flagger `fm` (a flag raised).
const std::string kFlagFrom =
    "FROM flags f "
    "JOIN flag_types t ON t.id = f.type_id "
    "JOIN members fm ON fm.id = f.flagger_id "
    "LEFT JOIN comments c ON c.id = f.comment_id "
    "JOIN posts p ON p.id = coalesce(f.post_id, c.post_id) "
    "JOIN posts q ON q.id = coalesce(p.parent_id, p.id) "
    "JOIN members ta ON ta.id = CASE WHEN f.comment_id IS NULL THEN p.author_id "
    "ELSE c.author_id END "
    "LEFT JOIN members hm ON hm.id = f.handler_id "
    "LEFT JOIN members em ON em.id = f.escalated_by ";
const std::string kFlagView = kFlagColumns + kFlagFrom;

// Fixed SQL per scope; $1 is the viewer, or the member whose flags are listed.
const char* scopeClause(ListScope scope) {
    switch (scope) {
        case ListScope::Everything:
            return "$1::bigint IS NOT NULL";
        case ListScope::Curated:
            return "f.flagger_id <> $1 AND ta.id <> $1 AND NOT t.confidential AND "
                   "f.escalated_at IS NULL";
        case ListScope::ReceivedBy:
            // Through the authors' own posts and comments (indexed), not the joined author.
            return "(f.post_id IN (SELECT id FROM posts WHERE author_id = $1) OR f.comment_id IN "
                   "(SELECT id FROM comments WHERE author_id = $1))";
        case ListScope::Own:
            break;
    }
    return "f.flagger_id = $1";
}

const char* statusClause(StatusFilter filter) {
    switch (filter) {
        case StatusFilter::All:
            return "TRUE";
        case StatusFilter::Pending:
            return "f.status = 'pending'";
        case StatusFilter::Helpful:
            return "f.status = 'helpful'";
        case StatusFilter::Declined:
            return "f.status = 'declined'";
        case StatusFilter::Escalated:
            return "f.status = 'pending' AND f.escalated_at IS NOT NULL";
        case StatusFilter::Handled:
            break;
    }
    return "f.status <> 'pending'";
}

// A queue is worked oldest first; what was handled is read newest first.
const char* order(StatusFilter filter) {
    if (filter == StatusFilter::Pending || filter == StatusFilter::Escalated)
        return " ORDER BY f.created_at, f.id";
    return " ORDER BY coalesce(f.handled_at, f.created_at) DESC, f.id DESC";
}

StatusCounts countsFrom(const json& r) {
    StatusCounts c;
    c.pending = r["pending"].get<int64_t>();
    c.helpful = r["helpful"].get<int64_t>();
    c.declined = r["declined"].get<int64_t>();
    return c;
}

const char* kCountColumns =
    "count(*) FILTER (WHERE status = 'pending') AS pending, "
    "count(*) FILTER (WHERE status = 'helpful') AS helpful, "
    "count(*) FILTER (WHERE status = 'declined') AS declined ";

}  // namespace

std::string Target::link() const {
    std::string page = "/questions/" + std::to_string(question_id);
    if (kind == TargetKind::Comment)
        return page + "#comment-" + std::to_string(id);
    return page + "#post-" + std::to_string(post_id);
}

std::optional<Target> FlagStore::target(TargetKind kind, int64_t id) const {
    json r;
    if (kind == TargetKind::Post)
        r = rows(call_,
                 "SELECT p.id, p.id AS post_id, q.id AS question_id, p.author_id, q.title, "
                 "left(p.body_md, 400) AS text FROM posts p JOIN posts q ON q.id = "
                 "coalesce(p.parent_id, p.id) WHERE p.id = $1 AND p.deleted_at IS NULL AND "
                 "q.deleted_at IS NULL",
                 args(id));
    else
        r = rows(call_,
                 "SELECT c.id, c.post_id, q.id AS question_id, c.author_id, q.title, "
                 "left(c.body_md, 400) AS text FROM comments c JOIN posts p ON p.id = c.post_id "
                 "JOIN posts q ON q.id = coalesce(p.parent_id, p.id) WHERE c.id = $1 AND "
                 "c.deleted_at IS NULL AND p.deleted_at IS NULL AND q.deleted_at IS NULL",
                 args(id));
    if (r.empty())
        return std::nullopt;
    const auto& row = r[0];
    Target t;
    t.kind = kind;
    t.id = row["id"].get<int64_t>();
    t.post_id = row["post_id"].get<int64_t>();
    t.question_id = row["question_id"].get<int64_t>();
    t.author_id = row["author_id"].get<int64_t>();
    t.title = row["title"].is_string() ? row["title"].get<std::string>() : "";
    t.text = row["text"].get<std::string>();
    return t;
}

void FlagStore::lockMember(int64_t member_id) const {
    // Two-key form: the first key keeps these locks apart from other users of advisory locks.
    call_.query(
        "SELECT pg_advisory_xact_lock(hashtext('agora.flags.member'), "
        "hashtext(current_schema() || ':' || $1::text))",
        args(member_id));
}

int64_t FlagStore::flagsInLastDay(int64_t member_id) const {
    return rows(call_,
                "SELECT count(*) AS n FROM flags WHERE flagger_id = $1 AND created_at > now() - "
                "interval '24 hours'",
                args(member_id))[0]["n"]
        .get<int64_t>();
}

std::optional<int64_t> FlagStore::insert(int64_t type_id, int64_t flagger_id, const Target& target,
                                         const std::string& reason) const {
    json post = target.kind == TargetKind::Post ? json(target.id) : json(nullptr);
    json comment = target.kind == TargetKind::Comment ? json(target.id) : json(nullptr);
    auto r = rows(call_,
                  "INSERT INTO flags (type_id, flagger_id, post_id, comment_id, reason) VALUES "
                  "($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
                  args(type_id, flagger_id, post, comment, reason));
    if (r.empty())
        return std::nullopt;
    return r[0]["id"].get<int64_t>();
}

std::optional<int64_t> FlagStore::pendingFlagId(int64_t flagger_id, const Target& target) const {
    auto r = rows(call_,
                  target.kind == TargetKind::Post
                      ? "SELECT id FROM flags WHERE flagger_id = $1 AND post_id = $2 AND status = "
                        "'pending'"
                      : "SELECT id FROM flags WHERE flagger_id = $1 AND comment_id = $2 AND "
                        "status = 'pending'",
                  args(flagger_id, target.id));
    if (r.empty())
        return std::nullopt;
    return r[0]["id"].get<int64_t>();
}

json FlagStore::row(int64_t id) const {
    auto r = rows(call_, kFlagView + "WHERE f.id = $1", args(id));
    return r.empty() ? json(nullptr) : r[0];
}

std::optional<LockedFlag> FlagStore::lock(int64_t id) const {
    auto r = rows(call_,
                  "SELECT f.id, f.flagger_id, f.status, f.escalated_at IS NOT NULL AS escalated, "
                  "t.confidential, coalesce(c.author_id, p.author_id) AS target_author_id "
                  "FROM flags f JOIN flag_types t ON t.id = f.type_id "
                  "LEFT JOIN comments c ON c.id = f.comment_id "
                  "LEFT JOIN posts p ON p.id = f.post_id WHERE f.id = $1 FOR UPDATE OF f",
                  args(id));
    if (r.empty())
        return std::nullopt;
    LockedFlag f;
    f.id = id;
    f.facts.flagger_id = r[0]["flagger_id"].get<int64_t>();
    f.facts.confidential = r[0]["confidential"].get<bool>();
    f.facts.target_author_id = r[0]["target_author_id"].get<int64_t>();
    f.facts.escalated = r[0]["escalated"].get<bool>();
    f.facts.pending = r[0]["status"] == "pending";
    return f;
}

void FlagStore::resolve(int64_t id, Outcome outcome, int64_t handler_id,
                        const std::string& message) const {
    call_.query(
        "UPDATE flags SET status = $2, handler_id = $3, message = $4, handled_at = now() WHERE "
        "id = $1 AND status = 'pending'",
        args(id, std::string(outcomeName(outcome)), handler_id, message));
}

void FlagStore::escalate(int64_t id, int64_t by, const std::string& comment) const {
    call_.query(
        "UPDATE flags SET escalated_at = now(), escalated_by = $2, escalation_comment = $3 WHERE "
        "id = $1 AND status = 'pending'",
        args(id, by, comment));
}

json FlagStore::list(ListScope scope, int64_t member_id, StatusFilter filter, int64_t page,
                     int64_t per_page, int64_t& total) const {
    std::string where = std::string("WHERE ") + scopeClause(scope) + " AND " + statusClause(filter);
    total = rows(call_, "SELECT count(*) AS n " + kFlagFrom + where, args(member_id))[0]["n"]
                .get<int64_t>();
    if (total == 0)
        return json::array();
    return rows(call_, kFlagView + where + order(filter) + " LIMIT $2 OFFSET $3",
                args(member_id, per_page, (page - 1) * per_page));
}

int64_t FlagStore::pendingCount() const {
    return rows(call_, "SELECT count(*) AS n FROM flags WHERE status = 'pending'")[0]["n"]
        .get<int64_t>();
}

StatusCounts FlagStore::raisedBy(int64_t member_id) const {
    return countsFrom(
        rows(call_, std::string("SELECT ") + kCountColumns + "FROM flags WHERE flagger_id = $1",
             args(member_id))[0]);
}

StatusCounts FlagStore::receivedBy(int64_t member_id) const {
    return countsFrom(rows(call_,
                           std::string("SELECT ") + kCountColumns +
                               "FROM (SELECT f.status FROM posts p JOIN flags f ON f.post_id = "
                               "p.id WHERE p.author_id = $1 UNION ALL SELECT f.status FROM "
                               "comments c JOIN flags f ON f.comment_id = c.id WHERE c.author_id "
                               "= $1) received",
                           args(member_id))[0]);
}

json FlagStore::busiestMembers(int64_t limit) const {
    return rows(
        call_,
        "WITH raised AS (SELECT flagger_id AS member_id, " + std::string(kCountColumns) +
            "FROM flags GROUP BY flagger_id), "
            "received AS (SELECT coalesce(p.author_id, c.author_id) AS member_id, " +
            kCountColumns +
            "FROM flags f LEFT JOIN posts p ON p.id = f.post_id LEFT JOIN comments c ON c.id = "
            "f.comment_id GROUP BY 1) "
            "SELECT m.id, m.username, m.display_name, "
            "coalesce(r.pending, 0) AS raised_pending, coalesce(r.helpful, 0) AS raised_helpful, "
            "coalesce(r.declined, 0) AS raised_declined, "
            "coalesce(v.pending, 0) AS received_pending, "
            "coalesce(v.helpful, 0) AS received_helpful, "
            "coalesce(v.declined, 0) AS received_declined "
            "FROM members m LEFT JOIN raised r ON r.member_id = m.id "
            "LEFT JOIN received v ON v.member_id = m.id "
            "WHERE r.member_id IS NOT NULL OR v.member_id IS NOT NULL "
            "ORDER BY coalesce(r.pending + r.helpful + r.declined, 0) + "
            "coalesce(v.pending + v.helpful + v.declined, 0) DESC, m.id LIMIT $1",
        args(limit));
}

std::vector<int64_t> FlagStore::moderators() const {
    std::vector<int64_t> ids;
    for (const auto& r :
         rows(call_, "SELECT id FROM members WHERE role IN ('moderator', 'admin') ORDER BY id"))
        ids.push_back(r["id"].get<int64_t>());
    return ids;
}

}  // namespace agora::flags
