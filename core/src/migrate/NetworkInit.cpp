#include "migrate/NetworkInit.h"

#include <set>

#include "migrate/Migrator.h"
#include "tenancy/DbRoles.h"
#include "tenancy/TenantRoles.h"

namespace agora::migrate {

void initNetwork(db::PgPool& owner, const Config& config) {
    auto lease = owner.acquire();
    Migrator::bootstrap(*lease);
    Migrator::apply(*lease, "network", Migrator::loadSteps(config.root / "migrations" / "network"));
    // Servers starting together would GRANT on the same catalog rows at once ("tuple
    // concurrently updated"): one at a time.
    lease->exec("SELECT pg_advisory_lock(4243)");
    struct Unlock {
        db::PgConnection& c;
        ~Unlock() {
            try {
                c.exec("SELECT pg_advisory_unlock(4243)");
            } catch (...) {
            }
        }
    } unlock{*lease};
    std::string app_role = DbRoles::urlUser(config.database_url);
    if (config.splitRoles())
        DbRoles::grantApplication(*lease, app_role);
    DbRoles::closeRoleEscapes(*lease);
    // Tenants made before the roles existed (or by an older build), or not yet granted to this
    // application role, get theirs now; the others were granted when their schema changed.
    auto roles = lease->q(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'agora\\_%' AND pg_has_role(coalesce("
        "(SELECT oid FROM pg_roles WHERE rolname = $1), (SELECT oid FROM pg_roles WHERE "
        "rolname = current_user)), oid, 'MEMBER')",
        config.splitRoles() ? app_role : std::string());
    std::set<std::string> ready;
    for (int i = 0; i < roles.rows(); ++i)
        ready.insert(roles.str(i, 0));
    auto schemas = lease->q("SELECT schema_name FROM network.tenants ORDER BY id");
    for (int i = 0; i < schemas.rows(); ++i)
        if (!ready.count(TenantRoles::roleFor(schemas.str(i, 0))) &&
            !TenantRoles::ensure(*lease, schemas.str(i, 0)))
            break;
}

}  // namespace agora::migrate
