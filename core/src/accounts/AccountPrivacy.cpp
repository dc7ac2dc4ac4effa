#include "accounts/AccountPrivacy.h"

#include <string>

#include "accounts/AccountSessions.h"
#include "tenancy/AuditLog.h"
#include "util/Error.h"

namespace agora {

namespace {

using json = nlohmann::json;

// Rows of `select` (which must name its relation `x`) as a JSON array.
json rowsOf(db::PgConnection& c, const std::string& select, int64_t account_id) {
    auto r =
        c.execParams("SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb) FROM (" + select + ") x",
                     {std::to_string(account_id)});
    return json::parse(r.str(0, 0));
}

bool tableExists(db::PgConnection& c, const std::string& schema, const std::string& table) {
    return !c.q("SELECT to_regclass($1) IS NULL", c.quoteIdent(schema) + "." + table).boolean(0, 0);
}

json communityData(db::PgConnection& c, const std::string& schema_name, int64_t id) {
    std::string s = c.quoteIdent(schema_name) + ".";
    json out;
    auto member = rowsOf(c, "SELECT * FROM " + s + "members WHERE id = $1", id);
    out["member"] = member.empty() ? json(nullptr) : member[0];
    out["posts"] = rowsOf(c,
                          "SELECT id, post_type, parent_id, title, body_md, tags, score, "
                          "created_at, last_edited_at, deleted_at IS NOT NULL AS deleted "
                          "FROM " +
                              s + "posts WHERE author_id = $1 ORDER BY id",
                          id);
    out["revisions"] = rowsOf(c,
                              "SELECT id, post_id, number, title, body_md, tags, comment, "
                              "created_at FROM " +
                                  s + "revisions WHERE editor_id = $1 ORDER BY id",
                              id);
    out["votes"] = rowsOf(c,
                          "SELECT post_id, value, created_at FROM " + s +
                              "votes WHERE member_id = $1 ORDER BY created_at",
                          id);
    out["comments"] = rowsOf(c,
                             "SELECT id, post_id, body_md, created_at, deleted_at IS NOT NULL AS "
                             "deleted FROM " +
                                 s + "comments WHERE author_id = $1 ORDER BY id",
                             id);
    out["notifications"] = rowsOf(c,
                                  "SELECT id, kind, text, link, created_at, read_at FROM " + s +
                                      "notifications WHERE member_id = $1 ORDER BY id",
                                  id);
    // Plugin tables exist only where the plugin was ever enabled.
    if (tableExists(c, schema_name, "flags"))
        out["flags"] =
            rowsOf(c, "SELECT * FROM " + s + "flags WHERE flagger_id = $1 ORDER BY id", id);
    if (tableExists(c, schema_name, "suggested_edits"))
        out["suggested_edits"] = rowsOf(
            c, "SELECT * FROM " + s + "suggested_edits WHERE suggester_id = $1 ORDER BY id", id);
    return out;
}

}  // namespace

json AccountPrivacy::exportData(db::PgConnection& c, int64_t id) {
    auto account = rowsOf(c,
                          "SELECT id, username, email, pending_email, email_verified_at, "
                          "display_name, bio_md AS bio, website, location, is_staff, created_at "
                          "FROM network.accounts WHERE id = $1",
                          id);
    if (account.empty())
        throw Error::notFound("no such account");
    json out = {{"format", "agora-account-export/1"}, {"account", account[0]}};
    out["memberships"] = rowsOf(c,
                                "SELECT t.id AS community_id, t.slug, t.name, m.joined_at "
                                "FROM network.memberships m JOIN network.tenants t "
                                "ON t.id = m.tenant_id WHERE m.account_id = $1 "
                                "AND t.staging_of IS NULL ORDER BY t.id",
                                id);
    out["sessions"] = rowsOf(c,
                             "SELECT " + AccountSessions::publicIdSql("token_hash") +
                                 " AS id, kind, tenant_id AS community_id, created_at, "
                                 "last_used_at, expires_at, revoked_at, user_agent, address "
                                 "FROM network.sessions WHERE account_id = $1 ORDER BY created_at",
                             id);
    out["mail"] = rowsOf(c,
                         "SELECT id, kind, to_address, status, created_at, sent_at "
                         "FROM network.mail_outbox WHERE account_id = $1 ORDER BY id",
                         id);
    out["notification_mail"] = {
        {"preferences", rowsOf(c,
                               "SELECT type, mode, updated_at FROM network.notification_prefs "
                               "WHERE account_id = $1 ORDER BY type",
                               id)},
        {"settings", rowsOf(c,
                            "SELECT all_off, last_digest_at FROM network.notification_mail "
                            "WHERE account_id = $1",
                            id)}};
    out["audit_log"] = rowsOf(c,
                              "SELECT action, target, tenant_id AS community_id, at "
                              "FROM network.audit_log WHERE account_id = $1 ORDER BY id",
                              id);
    auto tenants =
        c.q("SELECT t.id, t.slug, t.name, t.schema_name FROM network.memberships m "
            "JOIN network.tenants t ON t.id = m.tenant_id "
            "WHERE m.account_id = $1 AND t.staging_of IS NULL ORDER BY t.id",
            id);
    json communities = json::array();
    for (int i = 0; i < tenants.rows(); ++i) {
        json one = communityData(c, tenants.str(i, 3), id);
        one["id"] = tenants.i64(i, 0);
        one["slug"] = tenants.str(i, 1);
        one["name"] = tenants.str(i, 2);
        communities.push_back(std::move(one));
    }
    out["communities"] = communities;
    return out;
}

std::vector<int64_t> AccountPrivacy::erase(db::PgConnection& c, int64_t id,
                                           std::optional<int64_t> tenant_id) {
    auto acct = c.q("SELECT email FROM network.accounts WHERE id = $1 FOR UPDATE", id);
    if (acct.empty())
        throw Error::notFound("no such account");
    // Its communities and their staging copies (which hold a copy of its member row).
    auto tenants =
        c.q("SELECT t.id, t.schema_name FROM network.tenants t WHERE t.id IN (SELECT tenant_id "
            "FROM network.memberships WHERE account_id = $1) OR t.staging_of IN (SELECT tenant_id "
            "FROM network.memberships WHERE account_id = $1) ORDER BY t.id",
            id);
    std::vector<int64_t> touched;
    std::string key = std::to_string(id);
    for (int i = 0; i < tenants.rows(); ++i) {
        std::string schema = tenants.str(i, 1);
        if (!tableExists(c, schema, "members"))
            continue;
        std::string s = c.quoteIdent(schema) + ".";
        c.execParams("UPDATE " + s +
                         "members SET username = 'deleted:' || id, display_name = $2, "
                         "role = 'member' WHERE id = $1",
                     {key, std::string(kDeletedName)});
        c.execParams("DELETE FROM " + s + "votes WHERE member_id = $1", {key});
        c.execParams("DELETE FROM " + s + "notifications WHERE member_id = $1", {key});
        c.q("SELECT pg_notify('agora_cache', $1)", std::to_string(tenants.i64(i, 0)));
        touched.push_back(tenants.i64(i, 0));
    }
    c.q("DELETE FROM network.mail_outbox WHERE account_id = $1 OR lower(to_address) = lower($2)",
        id, acct.str(0, 0));
    c.q("DELETE FROM network.accounts WHERE id = $1", id);
    auditLog(c, tenant_id, std::nullopt, "account.deleted", "account:" + key, nullptr, nullptr);
    return touched;
}

}  // namespace agora
