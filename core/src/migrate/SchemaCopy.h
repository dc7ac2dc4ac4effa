#pragma once

#include <filesystem>
#include <string>

namespace agora::migrate {

// Copies one schema with PostgreSQL's own tools, so everything a schema can hold (tables,
// sequences and their values, indexes, constraints, triggers, functions, types) comes along
// without Agora keeping its own list. Consistency comes from a snapshot exported by the caller's
// REPEATABLE READ transaction (pg_export_snapshot()): the caller reads the ledger and the
// control-plane rows in that transaction, so they describe exactly the copied data.
class SchemaCopy {
public:
    // pg_dump -n `from` | rename to `to` | psql --single-transaction. `to` must not exist; on
    // failure nothing of it is left (the restore is one transaction).
    static void copy(const std::string& database_url, const std::string& from,
                     const std::string& to, const std::string& snapshot);

    // pg_dump -Fc -n `schema` into `file`.
    static void dump(const std::string& database_url, const std::string& schema,
                     const std::string& snapshot, const std::filesystem::path& file);

    // A custom-format dump of schema `from` restored as schema `to` (pg_restore | rename |
    // psql --single-transaction).
    static void restore(const std::string& database_url, const std::filesystem::path& file,
                        const std::string& from, const std::string& to);
};

}  // namespace agora::migrate
