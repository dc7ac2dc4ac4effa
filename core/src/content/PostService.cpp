#include "content/PostService.h"

#include <algorithm>
#include <regex>
#include <set>

#include "content/Markdown.h"
#include "content/PostText.h"
#include "util/Error.h"

namespace agora {

namespace {

size_t charCount(const std::string& s) {
    // Limits count characters, not bytes: UTF-8 continuation bytes don't count.
    return static_cast<size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string pgArray(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ",";
        out += "\"";
        for (char c : items[i]) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += "\"";
    }
    return out + "}";
}

const char* kQuestionHistory =
    "SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM posts WHERE author_id = $1 "
    "AND post_type = 'question' AND created_at > now() - interval '24 hours'";
const char* kAnswerHistory =
    "SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM posts WHERE author_id = $1 "
    "AND post_type = 'answer' AND created_at > now() - interval '24 hours'";

// The items of `from` that `in` lacks, in order.
std::vector<std::string> missingFrom(const std::vector<std::string>& in,
                                     const std::vector<std::string>& from) {
    std::vector<std::string> out;
    for (const auto& t : from)
        if (std::find(in.begin(), in.end(), t) == in.end())
            out.push_back(t);
    return out;
}

}  // namespace

int postClass(int64_t up, int64_t down) {
    return up > down ? 1 : up < down ? -1 : 0;
}

void PostService::commit(db::Transaction& tx) {
    // Every server drops this tenant's cached pages when the change commits (NOTIFY is
    // delivered at commit); this server does it right away.
    session_.db().q("SELECT pg_notify('agora_cache', $1)", std::to_string(session_.tenant().id));
    tx.commit();
    services_.page_cache.invalidateTenant(session_.tenant().id);
}

std::vector<std::string> PostService::normaliseTags(const std::vector<std::string>& raw) const {
    static const std::regex tag_re("^[a-z0-9][a-z0-9+#.-]*$");
    auto s = session_.settings();
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& item : raw) {
        std::string word;
        auto flush = [&] {
            if (word.empty())
                return;
            std::transform(word.begin(), word.end(), word.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            if (static_cast<int64_t>(charCount(word)) > s.integer("limits.tag_length_max"))
                throw Error::invalid(
                    "tags", "tag \"" + word + "\" is longer than " +
                                std::to_string(s.integer("limits.tag_length_max")) + " characters");
            if (!std::regex_match(word, tag_re))
                throw Error::invalid(
                    "tags", "tag \"" + word + "\" may only use letters, digits and + # . -");
            if (seen.insert(word).second)
                out.push_back(word);
            word.clear();
        };
        for (char c : item) {
            if (std::isspace(static_cast<unsigned char>(c)) || c == ',')
                flush();
            else
                word += c;
        }
        flush();
    }
    if (static_cast<int64_t>(out.size()) > s.integer("limits.tags_max"))
        throw Error::invalid("tags",
                             "at most " + std::to_string(s.integer("limits.tags_max")) + " tags");
    return out;
}

void PostService::checkLength(const std::string& field, const std::string& what,
                              const std::string& text, const std::string& limit) const {
    auto s = session_.settings();
    auto n = static_cast<int64_t>(charCount(text));
    int64_t min = s.integer("limits." + limit + "_min"),
            max = s.integer("limits." + limit + "_max");
    if (n < min)
        throw Error::invalid(field,
                             what + " must be at least " + std::to_string(min) + " characters");
    if (n > max)
        throw Error::invalid(field,
                             what + " must be at most " + std::to_string(max) + " characters");
}

void PostService::validateTitle(const std::string& title) const {
    checkLength("title", "title", title, "title");
}

void PostService::validateBody(const std::string& body) const {
    checkLength("body", "body", body, "body");
}

void PostService::validateBodyMax(const std::string& body) const {
    int64_t max = session_.settings().integer("limits.body_max");
    if (static_cast<int64_t>(charCount(body)) > max)
        throw Error::invalid("body", "body must be at most " + std::to_string(max) + " characters");
}

std::string PostService::preview(const std::string& body) {
    const auto& v = session_.requireViewer();
    int64_t limit = session_.settings().integer("rate_limit.previews_per_minute");
    auto& limiter = services_.rate_limiter;
    // Per address too, at a multiple: one person with many accounts, not a shared office.
    limiter.hitWindow(session_.tenant(), "m" + std::to_string(v.account_id), "previews", limit, 60);
    limiter.hitWindow(session_.tenant(), "a" + session_.address(), "previews", limit * 4, 60);
    validateBodyMax(body);
    return renderMarkdown(body);
}

void PostService::rateLimit(const std::string& action, const std::string& history_sql) {
    const auto& v = session_.viewer();
    if (v.isModerator())
        return;
    auto& perms = services_.permissions;
    bool established = perms.ability(session_.db(), session_.tenant(), v, "unrestricted").granted;
    std::string key = established ? "rate_limit." + action + "_per_day"
                                  : "rate_limit.new_user." + action + "_per_day";
    // Runs inside the writing transaction: the lock queues one member's concurrent requests for
    // the same action, and the action is recorded before COMMIT, so simultaneous requests can't
    // all pass the same check. A transaction that fails after this over-counts by one until the
    // window slides past it — erring on the side of the limit.
    session_.db().q("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    "rl:" + std::to_string(session_.tenant().id) + ":" + action + ":" +
                        std::to_string(v.account_id));
    auto& limiter = services_.rate_limiter;
    limiter.check(session_.db(), session_.tenant(), v.account_id, action,
                  session_.settings().integer(key), history_sql);
    limiter.record(session_.tenant(), v.account_id, action);
}

void PostService::event(const std::string& name, json payload) {
    services_.events.publish(session_.db(), session_.tenant(), Event{name, std::move(payload)});
}

PostFacts PostService::facts(int64_t post_id, bool for_update) {
    auto r =
        session_.db().q(for_update ? "SELECT id, author_id, post_type, deleted_at IS NOT NULL, "
                                     "closed_at IS NOT NULL, locked_at IS NOT NULL FROM posts "
                                     "WHERE id = $1 FOR UPDATE"
                                   : "SELECT id, author_id, post_type, deleted_at IS NOT NULL, "
                                     "closed_at IS NOT NULL, locked_at IS NOT NULL FROM posts "
                                     "WHERE id = $1",
                        post_id);
    if (r.empty())
        throw Error::notFound("no post " + std::to_string(post_id));
    PostFacts f;
    f.id = r.i64(0, 0);
    f.author_id = r.i64(0, 1);
    f.is_question = r.text(0, 2) == "question";
    f.deleted = r.boolean(0, 3);
    f.closed = r.boolean(0, 4);
    f.locked = r.boolean(0, 5);
    // Deleted posts don't exist for those who may not see them.
    if (f.deleted &&
        !services_.permissions
             .decide(session_.db(), session_.tenant(), session_.viewer(), Action::ViewDeleted, &f)
             .allowed)
        throw Error::notFound("no post " + std::to_string(post_id));
    return f;
}

void PostService::addTags(int64_t post_id, const std::vector<std::string>& tags) {
    auto& c = session_.db();
    for (const auto& t : tags) {
        auto r =
            c.q("INSERT INTO tags (name, question_count) VALUES ($1, 1) ON CONFLICT (name) "
                "DO UPDATE SET question_count = tags.question_count + 1 RETURNING id",
                t);
        c.q("INSERT INTO post_tags (post_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            post_id, r.i64(0, 0));
    }
}

void PostService::removeTags(int64_t post_id, const std::vector<std::string>& tags) {
    auto& c = session_.db();
    for (const auto& t : tags) {
        c.q("WITH gone AS (DELETE FROM post_tags pt USING tags t WHERE pt.tag_id = t.id AND "
            "pt.post_id = $1 AND t.name = $2 RETURNING t.id) "
            "UPDATE tags SET question_count = question_count - 1 WHERE id IN (SELECT id FROM gone)",
            post_id, t);
    }
}

int64_t PostService::ask(const PostDraft& d) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    services_.permissions.require(c, session_.tenant(), v, Action::Ask, nullptr);
    std::string title = trimText(d.title.value_or(""));
    std::string body = d.body.value_or("");
    validateTitle(title);
    validateBody(body);
    auto tags = normaliseTags(d.tags.value_or(std::vector<std::string>{}));
    if (tags.empty())
        throw Error::invalid("tags", "add at least one tag");
    // Rendered before the transaction: no row lock or advisory lock waits on Markdown.
    std::string html = renderMarkdown(body);
    db::Transaction tx(c);
    rateLimit("questions", kQuestionHistory);
    auto r =
        c.q("INSERT INTO posts (post_type, author_id, last_activity_by, title, body_md, "
            "body_html, tags) "
            "VALUES ('question', $1, $1, $2, $3, $4, $5::text[]) RETURNING id",
            v.account_id, title, body, html, pgArray(tags));
    int64_t id = r.i64(0, 0);
    addTags(id, tags);
    c.q("INSERT INTO revisions (post_id, number, editor_id, title, body_md, tags, comment) "
        "VALUES ($1, 1, $2, $3, $4, $5::text[], 'asked')",
        id, v.account_id, title, body, pgArray(tags));
    c.q("UPDATE members SET question_count = question_count + 1, last_seen_at = now() WHERE id = "
        "$1",
        v.account_id);
    c.q("UPDATE site_counters SET questions = questions + 1 WHERE id = 1");
    event("post.created",
          {{"post_id", id}, {"post_type", "question"}, {"author_id", v.account_id}});
    commit(tx);
    return id;
}

int64_t PostService::answer(int64_t question_id, const PostDraft& d) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    if (!v.signedIn())
        throw Error::unauthorized();
    std::string body = d.body.value_or("");
    validateBody(body);
    std::string html = renderMarkdown(body);
    db::Transaction tx(c);
    rateLimit("answers", kAnswerHistory);
    auto q = facts(question_id, true);
    if (!q.is_question)
        throw Error::notFound("no question " + std::to_string(question_id));
    services_.permissions.require(c, session_.tenant(), v, Action::Answer, &q);
    auto r =
        c.q("INSERT INTO posts (post_type, parent_id, author_id, last_activity_by, body_md, "
            "body_html) VALUES ('answer', $1, $2, $2, $3, $4) RETURNING id",
            question_id, v.account_id, body, html);
    int64_t id = r.i64(0, 0);
    c.q("INSERT INTO revisions (post_id, number, editor_id, body_md, comment) "
        "VALUES ($1, 1, $2, $3, 'answered')",
        id, v.account_id, body);
    c.q("UPDATE posts SET answer_count = answer_count + 1, last_activity_at = now(), "
        "last_activity_by = $2 WHERE id = $1",
        question_id, v.account_id);
    c.q("UPDATE members SET answer_count = answer_count + 1, last_seen_at = now() WHERE id = $1",
        v.account_id);
    c.q("UPDATE site_counters SET answers = answers + 1 WHERE id = 1");
    event("post.created", {{"post_id", id},
                           {"post_type", "answer"},
                           {"question_id", question_id},
                           {"author_id", v.account_id}});
    commit(tx);
    return id;
}

void PostService::edit(int64_t post_id, const PostDraft& d) {
    const auto& v = session_.viewer();
    auto& c = session_.db();
    if (!v.signedIn())
        throw Error::unauthorized();
    PostDraft draft = d;
    if (draft.body && !draft.body_html) {
        validateBody(*draft.body);
        draft.body_html = renderMarkdown(*draft.body);
    }
    db::Transaction tx(c);
    auto f = facts(post_id, true);
    services_.permissions.require(c, session_.tenant(), v, Action::Edit, &f);
    applyEdit(f, draft, EditCredit{v.account_id, std::nullopt});
    commit(tx);
}

EditOutcome PostService::applyEdit(const PostFacts& f, const PostDraft& d, const EditCredit& credit,
                                   bool dry_run) {
    const int64_t post_id = f.id;
    auto& c = session_.db();
    if (charCount(d.comment) >
        static_cast<size_t>(session_.settings().integer("limits.edit_comment_max")))
        throw Error::invalid("comment", "edit summary is too long");
    auto cur =
        c.q("SELECT title, body_md, array_to_json(tags)::text, revision_count, post_type, "
            "coalesce(parent_id, id) FROM posts WHERE id = $1",
            post_id);
    std::string title = cur.str(0, 0), body = cur.str(0, 1);
    auto old_tags = json::parse(cur.str(0, 2)).get<std::vector<std::string>>();
    int64_t revision = cur.i64(0, 3);
    bool question = cur.text(0, 4) == "question";
    int64_t question_id = cur.i64(0, 5);
    if (d.base_revision && *d.base_revision != revision)
        throw Error::conflict("stale", "the post was edited since revision " +
                                           std::to_string(*d.base_revision) + " (now " +
                                           std::to_string(revision) + ")");
    std::string new_title = title, new_body = body;
    auto new_tags = old_tags;
    if (d.title && question) {
        new_title = trimText(*d.title);
        validateTitle(new_title);
    }
    if (d.body) {
        new_body = *d.body;
        validateBody(new_body);
    }
    if (d.tags && question) {
        new_tags = normaliseTags(*d.tags);
        if (new_tags.empty())
            throw Error::invalid("tags", "add at least one tag");
    }
    if (new_title == title && new_body == body && new_tags == old_tags)
        throw Error::invalid("body", "the edit changes nothing");
    // A dry run renders too: a suggestion that could never be applied is refused now. An
    // unchanged body keeps its stored HTML (NULL below).
    std::optional<std::string> html;
    if (new_body != body)
        html =
            d.body_html && d.body && *d.body == new_body ? *d.body_html : renderMarkdown(new_body);
    EditOutcome out;
    if (question)
        out.title = new_title;
    out.body = new_body;
    out.tags = new_tags;
    out.revision = revision + 1;
    if (dry_run)
        return out;
    c.q("UPDATE posts SET title = $2, body_md = $3, body_html = coalesce($4, body_html), "
        "tags = $5::text[], "
        "revision_count = revision_count + 1, last_edited_at = now(), last_editor_id = $6, "
        "last_activity_at = now(), last_activity_by = $6 WHERE id = $1",
        post_id, out.title, new_body, html, pgArray(new_tags), credit.editor_id);
    if (!question)
        c.q("UPDATE posts SET last_activity_at = now(), last_activity_by = $2 WHERE id = $1",
            question_id, credit.editor_id);
    removeTags(post_id, missingFrom(new_tags, old_tags));
    addTags(post_id, missingFrom(old_tags, new_tags));
    c.q("INSERT INTO revisions (post_id, number, editor_id, title, body_md, tags, comment, "
        "reviewer_id) VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8)",
        post_id, out.revision, credit.editor_id, out.title, new_body, pgArray(new_tags), d.comment,
        credit.reviewer_id);
    json payload = {{"post_id", post_id},
                    {"editor_id", credit.editor_id},
                    {"author_id", f.author_id},
                    {"revision", out.revision}};
    if (credit.reviewer_id)
        payload["reviewer_id"] = *credit.reviewer_id;
    event("post.edited", std::move(payload));
    // Every server drops this tenant's cached pages when the edit commits, whoever commits it.
    c.q("SELECT pg_notify('agora_cache', $1)", std::to_string(session_.tenant().id));
    return out;
}

}  // namespace agora
