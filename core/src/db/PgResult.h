#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// libpq stays out of public headers: PGresult is only forward-declared here.
struct pg_result;

namespace agora::db {

// Owns one PGresult (RAII). Rows and columns are addressed by index or column name.
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(pg_result* res) : res_(res) {}
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    PgResult(PgResult&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
    PgResult& operator=(PgResult&& other) noexcept;
    ~PgResult();

    int rows() const;
    int columns() const;
    bool empty() const { return rows() == 0; }
    int column(std::string_view name) const;  // throws if missing
    std::string columnName(int col) const;
    bool isNull(int row, int col) const;
    bool isNull(int row, std::string_view name) const { return isNull(row, column(name)); }
    // Raw text value; empty for NULL.
    std::string_view text(int row, int col) const;
    std::string str(int row, int col) const { return std::string(text(row, col)); }
    std::string str(int row, std::string_view name) const { return str(row, column(name)); }
    std::optional<std::string> optStr(int row, std::string_view name) const;
    int64_t i64(int row, int col) const;
    int64_t i64(int row, std::string_view name) const { return i64(row, column(name)); }
    std::optional<int64_t> optI64(int row, std::string_view name) const;
    double f64(int row, std::string_view name) const;
    bool boolean(int row, int col) const { return text(row, col) == "t"; }
    bool boolean(int row, std::string_view name) const { return boolean(row, column(name)); }
    // Number of rows affected by INSERT/UPDATE/DELETE.
    int64_t affected() const;
    // PostgreSQL type OID of a column (for JSON conversion).
    unsigned type(int col) const;

private:
    pg_result* res_ = nullptr;
};

}  // namespace agora::db
