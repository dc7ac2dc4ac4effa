#include "mail/OutboxClaims.h"

#include <algorithm>

namespace agora::mail {

namespace {

// What is kept of an error: enough to diagnose, never a whole SMTP transcript.
std::string clip(const std::string& error) {
    return error.size() > 500 ? error.substr(0, 500) : error;
}

}  // namespace

std::vector<ClaimedMail> OutboxClaims::claim(db::PgConnection& conn, int64_t limit,
                                             std::chrono::seconds lease) {
    auto r = conn.q(
        "UPDATE network.mail_outbox o SET next_attempt_at = now() + make_interval(secs => $2), "
        "attempts = o.attempts + 1 "
        "WHERE o.id IN (SELECT id FROM network.mail_outbox WHERE status = 'queued' "
        "AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $1 "
        "FOR UPDATE SKIP LOCKED) "
        "RETURNING o.id, o.tenant_id, o.account_id, o.to_address, o.to_name, o.kind, o.template, "
        "o.data::text, coalesce(o.unsubscribe_url, ''), o.attempts",
        limit, static_cast<int64_t>(lease.count()));
    std::vector<ClaimedMail> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        ClaimedMail m;
        m.id = r.i64(i, 0);
        if (!r.isNull(i, 1))
            m.tenant_id = r.i64(i, 1);
        if (!r.isNull(i, 2))
            m.account_id = r.i64(i, 2);
        m.to_address = r.str(i, 3);
        m.to_name = r.str(i, 4);
        m.kind = r.str(i, 5);
        m.template_name = r.str(i, 6);
        m.data = json::parse(r.str(i, 7));
        m.unsubscribe_url = r.str(i, 8);
        m.attempts = static_cast<int>(r.i64(i, 9));
        out.push_back(std::move(m));
    }
    // Oldest first, as claimed (RETURNING keeps no order).
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

void OutboxClaims::markSent(db::PgConnection& conn,
                            const std::vector<std::pair<int64_t, std::string>>& sent) {
    if (sent.empty())
        return;
    json rows = json::array();
    for (const auto& [id, message_id] : sent)
        rows.push_back({{"id", id}, {"mid", message_id}});
    conn.q(
        "UPDATE network.mail_outbox o SET status = 'sent', sent_at = now(), message_id = x.mid, "
        "last_error = NULL FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, mid text) "
        "WHERE o.id = x.id",
        rows.dump());
}

void OutboxClaims::markRetry(db::PgConnection& conn, int64_t id, const std::string& error,
                             std::chrono::seconds delay) {
    conn.q(
        "UPDATE network.mail_outbox SET next_attempt_at = now() + make_interval(secs => $2), "
        "last_error = $3 WHERE id = $1 AND status = 'queued'",
        id, static_cast<int64_t>(delay.count()), clip(error));
}

void OutboxClaims::markFailed(db::PgConnection& conn, int64_t id, const std::string& error) {
    conn.q("UPDATE network.mail_outbox SET status = 'failed', last_error = $2 WHERE id = $1", id,
           clip(error));
}

int64_t OutboxClaims::prune(db::PgConnection& conn, std::chrono::hours keep, int64_t limit) {
    auto r = conn.q(
        "WITH old AS (SELECT id FROM network.mail_outbox WHERE status <> 'queued' "
        "AND coalesce(sent_at, next_attempt_at) < now() - make_interval(hours => $1::int) "
        "LIMIT $2) DELETE FROM network.mail_outbox o USING old WHERE o.id = old.id",
        static_cast<int64_t>(keep.count()), limit);
    return r.affected();
}

}  // namespace agora::mail
