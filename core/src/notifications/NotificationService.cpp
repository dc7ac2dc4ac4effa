#include "notifications/NotificationService.h"

#include "util/Error.h"

namespace agora {

namespace {

// Only links within the community: a notification must not send a member elsewhere.
bool siteRelative(const std::string& link) {
    return link.empty() ||
           (link[0] == '/' && (link.size() == 1 || (link[1] != '/' && link[1] != '\\')));
}

}  // namespace

json NotificationService::list(int64_t member_id, bool unread_only, int64_t page,
                               int64_t per_page) {
    auto rows = c_.q(
        "SELECT id, kind, text, link, "
        "  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "  read_at IS NOT NULL, count(*) OVER () "
        "FROM notifications WHERE member_id = $1 AND ($2::boolean IS FALSE OR read_at IS NULL) "
        "ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
        member_id, unread_only, per_page, (page - 1) * per_page);
    json items = json::array();
    int64_t total = 0;
    for (int i = 0; i < rows.rows(); ++i) {
        items.push_back({{"id", rows.i64(i, 0)},
                         {"kind", rows.str(i, 1)},
                         {"text", rows.str(i, 2)},
                         {"link", rows.str(i, 3)},
                         {"created_at", rows.str(i, 4)},
                         {"read", rows.boolean(i, 5)}});
        total = rows.i64(i, 6);
    }
    if (rows.empty() && page > 1)
        total = c_.q("SELECT count(*) FROM notifications WHERE member_id = $1 AND "
                     "($2::boolean IS FALSE OR read_at IS NULL)",
                     member_id, unread_only)
                    .i64(0, 0);
    return {{"items", std::move(items)},
            {"page", page},
            {"per_page", per_page},
            {"total", total},
            {"unread", unreadCount(member_id)}};
}

int64_t NotificationService::unreadCount(int64_t member_id) {
    return c_
        .q("SELECT count(*) FROM notifications WHERE member_id = $1 AND read_at IS NULL", member_id)
        .i64(0, 0);
}

int64_t NotificationService::markRead(int64_t member_id, const std::vector<int64_t>& ids) {
    if (ids.empty())
        return c_
            .q("UPDATE notifications SET read_at = now() WHERE member_id = $1 AND read_at "
               "IS NULL RETURNING id",
               member_id)
            .rows();
    json list = ids;
    return c_
        .q("UPDATE notifications SET read_at = now() WHERE member_id = $1 AND read_at IS "
           "NULL AND id = ANY(SELECT jsonb_array_elements_text($2::jsonb)::bigint) "
           "RETURNING id",
           member_id, list.dump())
        .rows();
}

std::optional<std::string> NotificationService::open(int64_t member_id, int64_t id) {
    auto r = c_.q(
        "UPDATE notifications SET read_at = coalesce(read_at, now()) "
        "WHERE id = $1 AND member_id = $2 RETURNING link",
        id, member_id);
    if (r.empty())
        return std::nullopt;
    return r.str(0, 0);
}

void NotificationService::add(db::PgConnection& conn, const NotifyScope& scope, int64_t member_id,
                              const std::string& kind, const std::string& text,
                              const std::string& link) {
    addMany(
        conn, scope,
        json::array({{{"member_id", member_id}, {"kind", kind}, {"text", text}, {"link", link}}}));
}

void NotificationService::addMany(db::PgConnection& conn, const NotifyScope& scope,
                                  const json& items) {
    if (!items.is_array())
        throw Error::invalid("items", "notifications must be a JSON array");
    json rows = json::array();
    for (const auto& it : items) {
        if (!it.is_object() || !it.contains("member_id") || !it["member_id"].is_number_integer() ||
            it["member_id"].get<int64_t>() <= 0 || !it.contains("kind") ||
            !it["kind"].is_string() || it["kind"].get<std::string>().empty() ||
            !it.contains("text") || !it["text"].is_string())
            throw Error::invalid("items", "each notification needs a member_id, a kind and a text");
        std::string link = it.value("link", std::string());
        if (!siteRelative(link))
            throw Error::invalid("link", "a notification link must be site-relative (\"/…\")");
        rows.push_back({{"member_id", it["member_id"]},
                        {"kind", it["kind"]},
                        {"text", it["text"]},
                        {"link", link}});
    }
    if (rows.empty())
        return;
    conn.q(
        "INSERT INTO notifications (member_id, kind, text, link) "
        "SELECT member_id, kind, text, link FROM jsonb_to_recordset($1::jsonb) "
        "AS x(member_id bigint, kind text, text text, link text)",
        rows.dump());
    NotificationMail::queueImmediate(conn, scope, rows);
}

}  // namespace agora
