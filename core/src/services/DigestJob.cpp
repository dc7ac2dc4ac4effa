#include "services/DigestJob.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "accounts/TenantSession.h"
#include "mail/MailOutbox.h"
#include "notifications/NotificationPrefs.h"
#include "notifications/NotificationTypes.h"
#include "notifications/UnsubscribeTokens.h"
#include "services/Services.h"

namespace agora {

namespace {

// How far back a digest looks at most (an account that never had one: a day).
const char* kUnreadSql =
    "SELECT member_id, kind, text, link, "
    "  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'), "
    "  (extract(epoch FROM created_at) * 1000000)::bigint "
    "FROM notifications WHERE read_at IS NULL AND created_at <= $1::timestamptz "
    "  AND created_at > $1::timestamptz - interval '7 days' "
    "ORDER BY member_id, created_at, id";

const char* kDueSql =
    "SELECT a.id, a.email, a.display_name, "
    "  (extract(epoch FROM coalesce(s.last_digest_at, $2::timestamptz - interval '1 day')) "
    "   * 1000000)::bigint "
    "FROM network.accounts a LEFT JOIN network.notification_mail s ON s.account_id = a.id "
    "WHERE a.id = ANY($1::bigint[]) AND NOT coalesce(s.all_off, false) "
    "  AND a.email ~ '^[^@\\s]+@[^@\\s]+$' "
    "  AND (s.last_digest_at IS NULL OR s.last_digest_at < $2::timestamptz - interval '23 hours')";

// Claims the account for this window; no row back = another run (or an earlier one today)
// already did.
const char* kClaimSql =
    "INSERT INTO network.notification_mail (account_id, last_digest_at) VALUES ($1, $2) "
    "ON CONFLICT (account_id) DO UPDATE SET last_digest_at = EXCLUDED.last_digest_at "
    "WHERE notification_mail.last_digest_at IS NULL "
    "   OR notification_mail.last_digest_at < EXCLUDED.last_digest_at - interval '23 hours' "
    "RETURNING account_id";

constexpr size_t kItemsPerCommunity = 20;
// One token per mail adds up; a link in a mail a year old may stop working.
constexpr int kTokenDays = 365;

struct Item {
    std::shared_ptr<const Tenant> tenant;
    std::string type;
    std::string text;
    std::string link;
    std::string when;
    int64_t at_us = 0;
};

struct Window {
    std::string until;  // now(), as PostgreSQL's text: round-trips exactly
    int64_t until_us = 0;
};

// Every unread notification of the last week, per account, from every live community.
std::map<int64_t, std::vector<Item>> unreadByAccount(Services& s, const Window& w) {
    std::map<int64_t, std::vector<Item>> out;
    for (const auto& tenant : s.directory().all()) {
        if (tenant->isStaging() || tenant->status != TenantStatus::Active || tenant->hosts.empty())
            continue;
        TenantSession session(s.pool(), s.settings(), tenant);
        auto r = session.db().q(kUnreadSql, w.until);
        for (int i = 0; i < r.rows(); ++i)
            out[r.i64(i, 0)].push_back({tenant, notificationTypeOf(r.str(i, 1)).name, r.str(i, 2),
                                        r.str(i, 3), r.str(i, 4), r.i64(i, 5)});
    }
    return out;
}

std::string pgIds(const std::map<int64_t, std::vector<Item>>& m) {
    std::string out = "{";
    for (const auto& [id, items] : m)
        out += (out.size() > 1 ? "," : "") + std::to_string(id);
    return out + "}";
}

// {count, communities: [{name, url, items: [{text, url, when, type_label}], more}]}: items
// carry absolute links, as they point into different communities.
json digestData(const std::vector<const Item*>& items, const std::string& public_url) {
    json communities = json::array();
    std::map<int64_t, size_t> index;
    for (const Item* it : items) {
        auto [pos, fresh] = index.emplace(it->tenant->id, communities.size());
        std::string base = communityBaseUrl(public_url, it->tenant->hosts.front());
        if (fresh)
            communities.push_back(
                {{"name", it->tenant->name}, {"url", base}, {"items", json::array()}, {"more", 0}});
        json& c = communities[pos->second];
        if (c["items"].size() >= kItemsPerCommunity) {
            c["more"] = c["more"].get<int>() + 1;
            continue;
        }
        c["items"].push_back({{"text", it->text},
                              {"url", base + (it->link.empty() ? "/notifications" : it->link)},
                              {"when", it->when},
                              {"type_label", findNotificationType(it->type)->label}});
    }
    for (auto& c : communities)
        c["has_more"] = c["more"].get<int>() > 0;
    return {{"count", items.size()}, {"communities", communities}};
}

// One account's digest, in one transaction: claim the window, then queue the mail.
bool queueDigest(db::PgConnection& net, const Window& w, const std::string& public_url,
                 int64_t account, const std::string& email, const std::string& name,
                 const std::vector<const Item*>& items) {
    db::Transaction tx(net);
    if (net.q(kClaimSql, account, w.until).empty())
        return false;
    const Tenant& first = *items.front()->tenant;
    bool one_community = true;
    for (const Item* it : items)
        one_community = one_community && it->tenant->id == first.id;
    auto token = UnsubscribeTokens::issue(net, {{account, "digest"}}).front();
    mail::OutgoingMail m;
    if (one_community)
        m.tenant_id = first.id;
    m.account_id = account;
    m.to_address = email;
    m.to_name = name;
    m.kind = "digest";
    m.template_name = "digest";
    m.data = digestData(items, public_url);
    m.data["settings_url"] =
        communityBaseUrl(public_url, first.hosts.front()) + "/settings/notifications";
    m.unsubscribe_url = UnsubscribeTokens::url(public_url, first.hosts.front(), token);
    mail::MailOutbox::enqueue(net, m);
    tx.commit();
    return true;
}

}  // namespace

int64_t runDigests(Services& services) {
    auto lease = services.pool().acquire();
    auto& net = *lease;
    auto now = net.q("SELECT now()::text, (extract(epoch FROM now()) * 1000000)::bigint");
    Window w{now.str(0, 0), now.i64(0, 1)};
    UnsubscribeTokens::prune(net, kTokenDays);
    auto unread = unreadByAccount(services, w);
    if (unread.empty())
        return 0;
    auto due = net.q(kDueSql, pgIds(unread), w.until);
    std::vector<int64_t> ids;
    for (int i = 0; i < due.rows(); ++i)
        ids.push_back(due.i64(i, 0));
    auto prefs = NotificationPrefs::loadMany(net, ids);
    const std::string& public_url = services.config().public_url;
    int64_t queued = 0;
    for (int i = 0; i < due.rows(); ++i) {
        int64_t account = due.i64(i, 0), since_us = due.i64(i, 3);
        const MailPrefs& p = prefs[account];
        std::vector<const Item*> items;
        for (const auto& it : unread[account])
            if (it.at_us > since_us && p.effective(it.type) == MailMode::Digest)
                items.push_back(&it);
        if (!items.empty() &&
            queueDigest(net, w, public_url, account, due.str(i, 1), due.str(i, 2), items))
            ++queued;
    }
    return queued;
}

}  // namespace agora
