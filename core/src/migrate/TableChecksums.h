#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "db/PgConnection.h"

namespace agora::migrate {

struct TableSum {
    int64_t rows = 0;
    std::string md5;  // md5 of the rows' md5s in primary-key order (whole-row order without one)

    bool operator==(const TableSum&) const = default;
};

// Row count and checksum of every table in a schema, read in the caller's transaction (so in
// its snapshot). The row text doesn't include the schema name, so a copy under another name
// sums the same.
class TableChecksums {
public:
    using Sums = std::map<std::string, TableSum>;  // by table name

    static Sums compute(db::PgConnection& conn, const std::string& schema);
    // Tables whose count or checksum differ, or that exist on one side only; empty if equal.
    static std::vector<std::string> differences(const Sums& expected, const Sums& actual);

    static nlohmann::json toJson(const Sums& sums);
    static Sums fromJson(const nlohmann::json& j);
};

}  // namespace agora::migrate
