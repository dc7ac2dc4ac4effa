// Votes, comments and moderation on posts that exist: the PostService writes that act on one
// post by id. Each is one transaction, like the rest of PostService.
#include "content/Markdown.h"
#include "content/PostService.h"
#include "content/PostText.h"
#include "util/Error.h"

namespace agora {

namespace {

const char* kCommentHistory =
    "SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM comments WHERE author_id = $1 "
    "AND created_at > now() - interval '24 hours'";
const char* kVoteHistory =
    "SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM votes WHERE member_id = $1 "
    "AND created_at > now() - interval '24 hours'";

}  // namespace

std::pair<int64_t, int> PostService::vote(int64_t post_id, int value) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    if (!v.signedIn())
        throw Error::unauthorized();
    if (value != 1 && value != -1)
        throw Error::invalid("value", "value must be 1 or -1");
    db::Transaction tx(c);
    // The post row lock serialises every vote on this post: counters stay exact and two
    // identical requests racing leave one vote. The checks read the same locked row.
    auto f = facts(post_id, true);
    if (f.author_id == v.account_id)
        throw Error::forbidden("self_vote", "you can't vote on your own post");
    services_.permissions.require(c, session_.tenant(), v, Action::Vote, &f);
    auto existing =
        c.q("SELECT value FROM votes WHERE post_id = $1 AND member_id = $2", post_id, v.account_id);
    int old = existing.empty() ? 0 : static_cast<int>(existing.i64(0, 0));
    if (old == value) {
        auto s = c.q("SELECT score FROM posts WHERE id = $1", post_id);
        commit(tx);
        return {s.i64(0, 0), value};
    }
    if (old == 0) {
        // Rate limits count new votes, not changes of mind.
        rateLimit("votes", kVoteHistory);
        c.q("INSERT INTO votes (post_id, member_id, post_author_id, value) VALUES ($1, $2, $3, $4)",
            post_id, v.account_id, f.author_id, value);
    } else {
        c.q("UPDATE votes SET value = $3 WHERE post_id = $1 AND member_id = $2", post_id,
            v.account_id, value);
    }
    auto before = c.q("SELECT up_votes, down_votes FROM posts WHERE id = $1", post_id);
    int64_t up = before.i64(0, 0), down = before.i64(0, 1);
    int old_class = postClass(up, down);
    if (old == 1)
        --up;
    if (old == -1)
        --down;
    if (value == 1)
        ++up;
    if (value == -1)
        ++down;
    int new_class = postClass(up, down);
    c.q("UPDATE posts SET up_votes = $2::int, down_votes = $3::int, score = $2::int - $3::int "
        "WHERE id = $1",
        post_id, up, down);
    c.q("UPDATE members SET post_score = post_score + $2, "
        "good_posts = good_posts + $3, bad_posts = bad_posts + $4 WHERE id = $1",
        f.author_id, value - old, (new_class == 1) - (old_class == 1),
        (new_class == -1) - (old_class == -1));
    event(old == 0 ? "vote.cast" : "vote.changed", {{"post_id", post_id},
                                                    {"author_id", f.author_id},
                                                    {"voter_id", v.account_id},
                                                    {"value", value},
                                                    {"old_value", old},
                                                    {"class_before", old_class},
                                                    {"class_after", new_class}});
    commit(tx);
    return {up - down, value};
}

std::pair<int64_t, int> PostService::unvote(int64_t post_id) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    if (!v.signedIn())
        throw Error::unauthorized();
    db::Transaction tx(c);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v, Action::Vote, &f);  // locked: no unvote
    auto gone = c.q("DELETE FROM votes WHERE post_id = $1 AND member_id = $2 RETURNING value",
                    post_id, v.account_id);
    auto before = c.q("SELECT up_votes, down_votes FROM posts WHERE id = $1", post_id);
    int64_t up = before.i64(0, 0), down = before.i64(0, 1);
    if (gone.empty()) {
        commit(tx);
        return {up - down, 0};
    }
    int old = static_cast<int>(gone.i64(0, 0));
    int old_class = postClass(up, down);
    if (old == 1)
        --up;
    if (old == -1)
        --down;
    int new_class = postClass(up, down);
    c.q("UPDATE posts SET up_votes = $2::int, down_votes = $3::int, score = $2::int - $3::int "
        "WHERE id = $1",
        post_id, up, down);
    c.q("UPDATE members SET post_score = post_score - $2, "
        "good_posts = good_posts + $3, bad_posts = bad_posts + $4 WHERE id = $1",
        f.author_id, old, (new_class == 1) - (old_class == 1),
        (new_class == -1) - (old_class == -1));
    event("vote.removed", {{"post_id", post_id},
                           {"author_id", f.author_id},
                           {"voter_id", v.account_id},
                           {"old_value", old},
                           {"class_before", old_class},
                           {"class_after", new_class}});
    commit(tx);
    return {up - down, 0};
}

int64_t PostService::comment(int64_t post_id, const std::string& raw) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    if (!v.signedIn())
        throw Error::unauthorized();
    std::string body = trimText(raw);
    checkLength("body", "comment", body, "comment");
    std::string html = renderMarkdown(body);
    db::Transaction tx(c);
    rateLimit("comments", kCommentHistory);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v, Action::Comment, &f);
    auto r =
        c.q("INSERT INTO comments (post_id, author_id, body_md, body_html) VALUES ($1, $2, "
            "$3, $4) RETURNING id",
            post_id, v.account_id, body, html);
    c.q("UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1", post_id);
    c.q("UPDATE posts SET last_activity_at = now(), last_activity_by = $2 WHERE id = (SELECT "
        "coalesce(parent_id, id) FROM posts WHERE id = $1)",
        post_id, v.account_id);
    int64_t id = r.i64(0, 0);
    event("comment.created",
          {{"comment_id", id}, {"post_id", post_id}, {"author_id", v.account_id}});
    commit(tx);
    return id;
}

void PostService::close(int64_t post_id, const std::string& reason) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    db::Transaction tx(c);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v, Action::Close, &f);
    if (f.closed)
        throw Error::conflict("already_closed", "this question is already closed");
    auto r =
        c.q("SELECT id FROM close_reasons WHERE active AND (name = lower($1) OR id::text = $1)",
            reason);
    if (r.empty()) {
        auto names =
            c.q("SELECT string_agg(name, ', ' ORDER BY id) FROM close_reasons WHERE active");
        throw Error::invalid("reason", "reason must be one of: " + names.str(0, 0));
    }
    c.q("UPDATE posts SET closed_at = now(), closed_by = $2, close_reason_id = $3 WHERE id = $1",
        post_id, v.account_id, r.i64(0, 0));
    c.q("INSERT INTO post_events (post_id, actor_id, kind, reason) VALUES ($1, $2, 'closed', $3)",
        post_id, v.account_id, reason);
    event("post.closed", {{"post_id", post_id}, {"actor_id", v.account_id}});
    commit(tx);
}

void PostService::reopen(int64_t post_id) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    db::Transaction tx(c);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v, Action::Reopen, &f);
    if (!f.closed)
        throw Error::conflict("not_closed", "this question is not closed");
    c.q("UPDATE posts SET closed_at = NULL, closed_by = NULL, close_reason_id = NULL WHERE id = $1",
        post_id);
    c.q("INSERT INTO post_events (post_id, actor_id, kind) VALUES ($1, $2, 'reopened')", post_id,
        v.account_id);
    event("post.reopened", {{"post_id", post_id}, {"actor_id", v.account_id}});
    commit(tx);
}

void PostService::setDeleted(int64_t post_id, bool deleted) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    db::Transaction tx(c);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v,
                                  deleted ? Action::Delete : Action::Undelete, &f);
    if (f.deleted == deleted)
        throw Error::conflict(
            deleted ? "already_deleted" : "not_deleted",
            deleted ? "this post is already deleted" : "this post is not deleted");
    auto r =
        c.q("UPDATE posts SET deleted_at = CASE WHEN $2 THEN now() END, "
            "deleted_by = CASE WHEN $2 THEN $3::bigint END WHERE id = $1 "
            "RETURNING post_type, parent_id, tags",
            post_id, deleted, v.account_id);
    bool question = r.text(0, 0) == "question";
    int delta = deleted ? -1 : 1;
    if (question) {
        c.q("UPDATE tags SET question_count = question_count + $2 WHERE id IN "
            "(SELECT tag_id FROM post_tags WHERE post_id = $1)",
            post_id, delta);
        c.q("UPDATE members SET question_count = question_count + $2 WHERE id = $1", f.author_id,
            delta);
        c.q("UPDATE site_counters SET questions = questions + $1 WHERE id = 1", delta);
    } else {
        c.q("UPDATE posts SET answer_count = answer_count + $2 WHERE id = $1", r.i64(0, 1), delta);
        c.q("UPDATE members SET answer_count = answer_count + $2 WHERE id = $1", f.author_id,
            delta);
        c.q("UPDATE site_counters SET answers = answers + $1 WHERE id = 1", delta);
    }
    c.q("INSERT INTO post_events (post_id, actor_id, kind) VALUES ($1, $2, $3)", post_id,
        v.account_id, deleted ? "deleted" : "undeleted");
    event(deleted ? "post.deleted" : "post.undeleted",
          {{"post_id", post_id}, {"author_id", f.author_id}, {"actor_id", v.account_id}});
    commit(tx);
}

void PostService::setLocked(int64_t post_id, bool locked) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    db::Transaction tx(c);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v, locked ? Action::Lock : Action::Unlock,
                                  &f);
    if (f.locked == locked)
        throw Error::conflict(locked ? "already_locked" : "not_locked",
                              locked ? "this post is already locked" : "this post is not locked");
    c.q("UPDATE posts SET locked_at = CASE WHEN $2 THEN now() END, "
        "locked_by = CASE WHEN $2 THEN $3::bigint END WHERE id = $1",
        post_id, locked, v.account_id);
    c.q("INSERT INTO post_events (post_id, actor_id, kind) VALUES ($1, $2, $3)", post_id,
        v.account_id, locked ? "locked" : "unlocked");
    commit(tx);
}

}  // namespace agora
