#include "tenancy/TenantRoles.h"

#include <spdlog/spdlog.h>

#include <libpq-fe.h>

#include <atomic>
#include <optional>

#include "util/Crypto.h"

namespace agora {

namespace {

// DML on everything in the schema now and on what the connected role creates there later.
void grantSchema(db::PgConnection& conn, const std::string& schema_q, const std::string& role_q) {
    const auto& s = schema_q;
    const auto& r = role_q;
    conn.exec("GRANT USAGE ON SCHEMA " + s + " TO " + r +
              "; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + s + " TO " + r +
              "; GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA " + s + " TO " + r +
              "; ALTER DEFAULT PRIVILEGES IN SCHEMA " + s +
              " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + r +
              "; ALTER DEFAULT PRIVILEGES IN SCHEMA " + s +
              " GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO " + r);
}

}  // namespace

std::string TenantRoles::roleFor(const std::string& schema) {
    std::string role = "agora_" + schema;
    if (role.size() <= 63)
        return role;
    return role.substr(0, 50) + "_" + crypto::sha256Hex(schema).substr(0, 12);
}

bool TenantRoles::ensure(db::PgConnection& conn, const std::string& schema) {
    const std::string role = roleFor(schema);
    auto can = conn.q(
        "SELECT rolsuper OR rolcreaterole, "
        "       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) "
        "FROM pg_roles WHERE rolname = current_user",
        role);
    bool may_create = can.boolean(0, 0);
    bool exists = can.boolean(0, 1);
    // Its own transaction unless the caller has one: the savepoint below needs a block.
    std::optional<db::Transaction> tx;
    if (PQtransactionStatus(conn.raw()) == PQTRANS_IDLE)
        tx.emplace(conn);
    const std::string s = conn.quoteIdent(schema);
    if (!may_create) {
        static std::atomic<bool> warned{false};
        if (!warned.exchange(true))
            spdlog::warn(
                "the migration role may not create roles (CREATEROLE): plugin SQL is not "
                "confined to its tenant's schema; see docs/security.md");
        // Without a tenant role the application role still needs the tenant's tables.
        auto apps = conn.q(
            "SELECT quote_ident(rolname) FROM pg_roles r WHERE NOT r.rolsuper "
            "AND r.rolname !~ '^pg_' AND r.rolname <> current_user "
            "AND has_schema_privilege(r.oid, 'network', 'USAGE')");
        for (int i = 0; i < apps.rows(); ++i)
            grantSchema(conn, s, apps.str(i, 0));
        if (tx)
            tx->commit();
        return false;
    }
    const std::string r = conn.quoteIdent(role);
    if (!exists) {
        try {
            // A savepoint: two processes creating the same tenant role must not abort the
            // caller's transaction; the loser finds the role there.
            conn.exec("SAVEPOINT agora_tenant_role; CREATE ROLE " + r +
                      " NOLOGIN; RELEASE SAVEPOINT agora_tenant_role");
        } catch (const db::DuplicateObject&) {
            conn.exec("ROLLBACK TO SAVEPOINT agora_tenant_role");
        } catch (const db::UniqueViolation&) {
            conn.exec("ROLLBACK TO SAVEPOINT agora_tenant_role");
        }
    }
    grantSchema(conn, s, r);
    // The roles that serve requests (and the owner, for plugins' enable hooks) may act as it.
    auto grantees = conn.q(
        "SELECT quote_ident(rolname) FROM pg_roles r "
        "WHERE NOT r.rolsuper AND r.rolname !~ '^pg_' AND r.rolname <> $1 "
        "  AND has_schema_privilege(r.oid, 'network', 'USAGE') "
        "  AND NOT pg_has_role(r.oid, (SELECT oid FROM pg_roles WHERE rolname = $1), 'MEMBER')",
        role);
    for (int i = 0; i < grantees.rows(); ++i)
        conn.exec("GRANT " + r + " TO " + grantees.str(i, 0));
    if (tx)
        tx->commit();
    return true;
}

}  // namespace agora
