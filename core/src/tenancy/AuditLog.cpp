#include "tenancy/AuditLog.h"

namespace agora {

void auditLog(db::PgConnection& conn, std::optional<int64_t> tenant_id,
              std::optional<int64_t> account_id, const std::string& action,
              const std::string& target, const json& old_value, const json& new_value) {
    conn.q(
        "INSERT INTO network.audit_log (tenant_id, account_id, action, target, old_value, "
        "new_value) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
        tenant_id, account_id, action, target,
        old_value.is_null() ? std::nullopt : std::optional<std::string>(old_value.dump()),
        new_value.is_null() ? std::nullopt : std::optional<std::string>(new_value.dump()));
}

void auditLogMany(db::PgConnection& conn, std::optional<int64_t> tenant_id,
                  std::optional<int64_t> account_id, const json& rows) {
    conn.q(
        "INSERT INTO network.audit_log (tenant_id, account_id, action, target, old_value, "
        "new_value) SELECT $1, $2, x.action, x.target, nullif(x.old, 'null'::jsonb), "
        "nullif(x.new, 'null'::jsonb) FROM jsonb_to_recordset($3::jsonb) "
        "AS x(action text, target text, old jsonb, new jsonb)",
        tenant_id, account_id, rows.dump());
}

}  // namespace agora
