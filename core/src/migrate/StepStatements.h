#pragma once

#include <string>

#include "migrate/SqlScript.h"

namespace agora::migrate {

// What the online applier needs to know about one statement of a step before it runs it.

// SET/RESET/set_config of lock_timeout: the applier then caps it again (a step may ask for a
// shorter wait, never a longer one).
bool setsLockTimeout(const SqlStatement& st);
// A SET/SELECT/RESET naming the setting (or RESET ALL).
bool mentionsSetting(const SqlStatement& st, const std::string& name);
// Any CONCURRENTLY: refused inside a transaction block.
bool concurrent(const SqlStatement& st);
// Statements that hold nothing blocking the application while they run and may run long: a
// concurrent build, and a batched DO block (it commits per batch in a no-transaction step).
bool mayRunLong(const SqlStatement& st);
// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON ...: the index name ("" if not).
std::string concurrentIndexName(const SqlStatement& st);

}  // namespace agora::migrate
