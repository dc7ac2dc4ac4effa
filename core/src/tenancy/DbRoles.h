#pragma once

#include <string>

#include "db/PgConnection.h"

namespace agora {

// The grants that split the database roles (docs/security.md, "Least privilege"): the owner
// (migration role) owns every schema; the application role gets DML on the network tables and,
// through TenantRoles, on tenant schemas; it can create nothing.
class DbRoles {
public:
    // The user named in a libpq URL or key=value string ("" when it names none).
    static std::string urlUser(const std::string& url);
    // USAGE on `network`, DML on its tables (read-only on the migration ledger), its sequences,
    // and the same for tables later network migrations create. Run as the owner.
    static void grantApplication(db::PgConnection& conn, const std::string& app_role);
    // A plugin statement runs under its tenant's role; set_config('role', ...) would switch
    // back. Only a superuser can take EXECUTE on it from PUBLIC: done here when the connection
    // is one (ops/lib.sh does it as postgres otherwise). Returns whether tenant roles can no
    // longer call it, and warns once when they still can.
    static bool closeRoleEscapes(db::PgConnection& conn);
};

}  // namespace agora
