#include "notifications/ContentNotifications.h"

#include "notifications/NotificationService.h"
#include "notifications/NotificationTypes.h"

namespace agora {

namespace {

int64_t number(const json& payload, const char* key) {
    auto it = payload.find(key);
    return it != payload.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

void onAnswer(db::PgConnection& conn, const NotifyScope& scope, const json& payload) {
    if (payload.value("post_type", std::string()) != "answer")
        return;
    int64_t question = number(payload, "question_id"), answer = number(payload, "post_id"),
            author = number(payload, "author_id");
    auto r = conn.q(
        "SELECT q.author_id, q.title, m.display_name FROM posts q JOIN members m ON m.id = $2 "
        "WHERE q.id = $1",
        question, author);
    if (r.empty() || r.i64(0, 0) == author)
        return;
    NotificationService::add(
        conn, scope, r.i64(0, 0), kKindAnswered,
        r.str(0, 2) + " answered your question \u201c" + r.str(0, 1) + "\u201d",
        "/questions/" + std::to_string(question) + "#post-" + std::to_string(answer));
}

void onComment(db::PgConnection& conn, const NotifyScope& scope, const json& payload) {
    int64_t comment = number(payload, "comment_id"), post = number(payload, "post_id"),
            author = number(payload, "author_id");
    auto r = conn.q(
        "SELECT p.author_id, p.post_type, q.id, q.title, m.display_name FROM posts p "
        "JOIN posts q ON q.id = coalesce(p.parent_id, p.id) JOIN members m ON m.id = $2 "
        "WHERE p.id = $1",
        post, author);
    if (r.empty() || r.i64(0, 0) == author)
        return;
    std::string what = r.str(0, 1) == "question" ? "your question" : "your answer to";
    NotificationService::add(
        conn, scope, r.i64(0, 0), kKindCommented,
        r.str(0, 4) + " commented on " + what + " \u201c" + r.str(0, 3) + "\u201d",
        "/questions/" + std::to_string(r.i64(0, 2)) + "#comment-" + std::to_string(comment));
}

}  // namespace

void subscribeContentNotifications(EventBus& events, std::string public_url) {
    auto handler = [public_url](auto on) {
        return [public_url, on](db::PgConnection& conn, const Tenant& tenant, const Event& e) {
            if (tenant.isStaging())
                return;
            on(conn, NotifyScope{tenant, public_url}, e.payload);
        };
    };
    events.subscribe("post.created", "", handler(onAnswer));
    events.subscribe("comment.created", "", handler(onComment));
}

}  // namespace agora
