#pragma once

#include <string>
#include <string_view>

#include "db/PgConnection.h"

namespace agora {

// How a plugin's db_query statement reaches PostgreSQL: confined to its tenant's schema by the
// database (the tenant's role, see TenantRoles), with the host refusing the statements that
// could leave that role.
class PluginSql {
public:
    // True when the statement's first keyword (after blanks, comments and opening
    // parentheses) is SELECT, INSERT, UPDATE, DELETE, WITH, VALUES or TABLE. Everything else —
    // SET/RESET (ROLE, SESSION AUTHORIZATION, search_path), DO blocks, DDL, COPY, LISTEN,
    // transaction control — is refused: a row statement cannot change the session's role, and
    // set_config(), the one function that could, is not executable by tenant roles.
    static bool isRowStatement(std::string_view sql);

    // Runs one statement as `role` (empty: as the connection's own role, for installs without
    // tenant roles). SET ROLE, not SET LOCAL: a plugin may query outside a transaction, where
    // SET LOCAL would do nothing. The role is reset afterwards; if the statement failed inside
    // a transaction the reset cannot run, but the rollback the caller must then do undoes the
    // SET ROLE too.
    static db::PgResult run(db::PgConnection& conn, const std::string& role, const std::string& sql,
                            const db::Params& params);
};

}  // namespace agora
