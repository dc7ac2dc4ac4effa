#pragma once

#include "db/PgPool.h"
#include "util/Config.h"

namespace agora::migrate {

// The network schema ready for use: the ledger bootstrapped, pending network migrations
// applied (Migrator), the application role granted what it needs, role escapes closed, and
// every tenant's role in place. Idempotent; servers and operator commands run it at start.
// `owner`: connections as the migration role.
void initNetwork(db::PgPool& owner, const Config& config);

}  // namespace agora::migrate
