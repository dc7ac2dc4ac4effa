#include "accounts/AccountCommunities.h"

namespace agora {

nlohmann::json AccountCommunities::list(db::PgConnection& c, int64_t account_id) {
    auto tenants =
        c.q("SELECT t.id, t.slug, t.name, t.schema_name, "
            "  (SELECT min(h.host) FROM network.hosts h WHERE h.tenant_id = t.id) "
            "FROM network.memberships m JOIN network.tenants t ON t.id = m.tenant_id "
            "WHERE m.account_id = $1 AND t.staging_of IS NULL AND t.status = 'active' "
            "ORDER BY t.name, t.id",
            account_id);
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < tenants.rows(); ++i) {
        // One short query per community: each lives in its own schema (and may one day live on
        // another server), so there is nothing to join across.
        std::string schema = c.quoteIdent(tenants.str(i, 3));
        auto m = c.execParams(
            "SELECT m.role, (SELECT count(*) FROM (SELECT 1 FROM " + schema +
                ".notifications n WHERE n.member_id = m.id AND n.read_at IS NULL LIMIT 100) u) "
                "FROM " +
                schema + ".members m WHERE m.id = $1",
            {std::to_string(account_id)});
        items.push_back({{"id", tenants.i64(i, 0)},
                         {"slug", tenants.str(i, 1)},
                         {"name", tenants.str(i, 2)},
                         {"host", tenants.isNull(i, 4) ? "" : tenants.str(i, 4)},
                         {"role", m.empty() ? "member" : m.str(0, 0)},
                         {"unread_notifications", m.empty() ? 0 : m.i64(0, 1)}});
    }
    return {{"items", items}, {"total", items.size()}};
}

}  // namespace agora
