#pragma once

#include <string>

#include "db/PgConnection.h"

namespace agora {

// One PostgreSQL role per tenant schema, so the database itself confines plugin SQL.
//
// Each role is NOLOGIN and holds USAGE on its own schema and DML on the tables and sequences in
// it — nothing on `network`, nothing on other tenants' schemas, no CREATE anywhere. Plugin
// statements run under it (`SET ROLE` around each one, see HostApi's db_query), so a plugin
// cannot read network.secrets, password hashes or another community's tables whatever SQL it
// sends. The application role is a member of every tenant role: it reaches tenant tables through
// that membership (INHERIT) and may switch to one for a plugin statement.
//
// Who is "the application role": every non-superuser role that may use the `network` schema
// (the app role gets USAGE there from `agora network init`, the owner owns it). Computed rather
// than configured, so `agora tenant add` needs no extra setting to grant a new tenant to the
// server's role.
//
// Creating roles needs CREATEROLE on the migration role. Without it (an install that predates
// the role split, with one non-privileged URL) ensure() logs once and does nothing: plugins then
// run unconfined, which `agora serve` reports at start.
class TenantRoles {
public:
    // "agora_<schema>", cut and hashed to fit PostgreSQL's 63-byte names.
    static std::string roleFor(const std::string& schema);
    // Creates the role if missing and (re)grants it everything in `schema` — existing tables,
    // sequences, and default privileges for what the connected role creates there later. Call
    // with the migration (owner) role, after anything that creates or renames a tenant schema.
    // Idempotent; safe inside the caller's transaction. Returns false when roles can't be made.
    static bool ensure(db::PgConnection& conn, const std::string& schema);
};

}  // namespace agora
