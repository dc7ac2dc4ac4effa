#include "notifications/NotificationMail.h"

#include <vector>

#include "mail/MailOutbox.h"
#include "notifications/NotificationTypes.h"
#include "notifications/UnsubscribeTokens.h"

namespace agora {

namespace {

// The recipients who want these now. The staging test is in SQL as well as in the caller:
// whatever snapshot of the directory the caller holds, a copy never mails.
const char* kDecideSql =
    "SELECT x.i, a.id, a.email, a.display_name "
    "FROM jsonb_to_recordset($1::jsonb) AS x(i int, member_id bigint, type text, dflt text) "
    "JOIN network.accounts a ON a.id = x.member_id "
    "LEFT JOIN network.notification_mail s ON s.account_id = a.id "
    "LEFT JOIN network.notification_prefs p ON p.account_id = a.id AND p.type = x.type "
    "WHERE NOT coalesce(s.all_off, false) AND coalesce(p.mode, x.dflt) = 'immediate' "
    "  AND a.email ~ '^[^@\\s]+@[^@\\s]+$' "
    "  AND EXISTS (SELECT 1 FROM network.tenants t WHERE t.id = $2 AND t.staging_of IS NULL "
    "              AND t.status = 'active') "
    "ORDER BY x.i";

}  // namespace

int64_t NotificationMail::queueImmediate(db::PgConnection& conn, const NotifyScope& scope,
                                         const json& items) {
    const Tenant& tenant = scope.tenant;
    if (tenant.isStaging() || tenant.hosts.empty() || !items.is_array() || items.empty())
        return 0;
    json candidates = json::array();
    for (size_t i = 0; i < items.size(); ++i) {
        const auto& type = notificationTypeOf(items[i]["kind"].get<std::string>());
        candidates.push_back({{"i", i},
                              {"member_id", items[i]["member_id"]},
                              {"type", type.name},
                              {"dflt", mailModeName(type.default_mode)}});
    }
    auto r = conn.q(kDecideSql, candidates.dump(), tenant.id);
    if (r.empty())
        return 0;
    std::vector<UnsubscribeGrant> grants;
    for (int row = 0; row < r.rows(); ++row) {
        const auto& item = items[static_cast<size_t>(r.i64(row, 0))];
        grants.push_back({r.i64(row, 1), notificationTypeOf(item["kind"].get<std::string>()).name});
    }
    auto tokens = UnsubscribeTokens::issue(conn, grants);
    for (int row = 0; row < r.rows(); ++row) {
        const auto& item = items[static_cast<size_t>(r.i64(row, 0))];
        const auto& type = notificationTypeOf(item["kind"].get<std::string>());
        mail::OutgoingMail m;
        m.tenant_id = tenant.id;
        m.account_id = r.i64(row, 1);
        m.to_address = r.str(row, 2);
        m.to_name = r.str(row, 3);
        m.kind = "notification";
        m.template_name = "notification";
        m.data = {{"text", item["text"]},
                  {"link", item.value("link", std::string())},
                  {"kind", item["kind"]},
                  {"type", type.name},
                  {"type_label", type.label}};
        m.unsubscribe_url = UnsubscribeTokens::url(scope.public_url, tenant.hosts.front(),
                                                   tokens[static_cast<size_t>(row)]);
        mail::MailOutbox::enqueue(conn, m);
    }
    return r.rows();
}

}  // namespace agora
