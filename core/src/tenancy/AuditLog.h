#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/PgConnection.h"

namespace agora {

using json = nlohmann::json;

// Writes an audit row inside the caller's transaction.
void auditLog(db::PgConnection& conn, std::optional<int64_t> tenant_id,
              std::optional<int64_t> account_id, const std::string& action,
              const std::string& target, const json& old_value, const json& new_value);

// Writes many audit rows in one statement, inside the caller's transaction. `rows` is a JSON
// array of {"action", "target", "old", "new"} (old / new null for none).
void auditLogMany(db::PgConnection& conn, std::optional<int64_t> tenant_id,
                  std::optional<int64_t> account_id, const json& rows);

}  // namespace agora
