#include "tenancy/DbRoles.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace agora {

std::string DbRoles::urlUser(const std::string& url) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> opts(
        PQconninfoParse(url.c_str(), &error), PQconninfoFree);
    if (error)
        PQfreemem(error);
    if (!opts)
        return "";
    for (auto* o = opts.get(); o->keyword; ++o)
        if (std::string(o->keyword) == "user" && o->val)
            return o->val;
    return "";
}

void DbRoles::grantApplication(db::PgConnection& conn, const std::string& app_role) {
    if (app_role.empty()) {
        spdlog::warn(
            "AGORA_DATABASE_URL names no user: cannot grant the application role its rights");
        return;
    }
    const std::string r = conn.quoteIdent(app_role);
    db::Transaction tx(conn);
    conn.exec(
        "GRANT USAGE ON SCHEMA network TO " + r +
        "; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA network TO " + r +
        "; REVOKE INSERT, UPDATE, DELETE ON network.schema_migrations FROM " + r +
        "; GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA network TO " + r +
        "; ALTER DEFAULT PRIVILEGES IN SCHEMA network GRANT SELECT, INSERT, UPDATE, DELETE ON "
        "TABLES TO " +
        r +
        "; ALTER DEFAULT PRIVILEGES IN SCHEMA network GRANT USAGE, SELECT, UPDATE ON SEQUENCES "
        "TO " +
        r);
    tx.commit();
}

bool DbRoles::closeRoleEscapes(db::PgConnection& conn) {
    const char* fn = "pg_catalog.set_config(text, text, boolean)";
    auto r = conn.q("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!r.empty() && r.boolean(0, 0)) {
        // Everyone who uses this database legitimately keeps it: the roles with USAGE on
        // network (application, owner) — pg_dump, for one, calls it.
        db::Transaction tx(conn);
        conn.exec(std::string("REVOKE EXECUTE ON FUNCTION ") + fn + " FROM PUBLIC");
        auto users = conn.q(
            "SELECT quote_ident(rolname) FROM pg_roles r WHERE NOT rolsuper AND rolname !~ '^pg_' "
            "AND rolname !~ '^agora_t_' AND has_schema_privilege(r.oid, 'network', 'USAGE')");
        for (int i = 0; i < users.rows(); ++i)
            conn.exec(std::string("GRANT EXECUTE ON FUNCTION ") + fn + " TO " + users.str(i, 0));
        tx.commit();
    }
    bool open = conn.q("SELECT has_function_privilege('public', $1, 'EXECUTE')", std::string(fn))
                    .boolean(0, 0);
    if (open) {
        static bool warned = false;
        if (!warned)
            spdlog::warn(
                "PUBLIC may still EXECUTE set_config: a plugin could leave its tenant's role. "
                "As a superuser run: REVOKE EXECUTE ON FUNCTION {} FROM PUBLIC (docs/security.md)",
                fn);
        warned = true;
    }
    return !open;
}

}  // namespace agora
