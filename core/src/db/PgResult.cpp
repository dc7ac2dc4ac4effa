#include "db/PgResult.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>

#include "util/Error.h"

namespace agora::db {

PgResult& PgResult::operator=(PgResult&& other) noexcept {
    if (this != &other) {
        if (res_)
            PQclear(res_);
        res_ = other.res_;
        other.res_ = nullptr;
    }
    return *this;
}

PgResult::~PgResult() {
    if (res_)
        PQclear(res_);
}

int PgResult::rows() const {
    return res_ ? PQntuples(res_) : 0;
}
int PgResult::columns() const {
    return res_ ? PQnfields(res_) : 0;
}

int PgResult::column(std::string_view name) const {
    std::string n(name);
    int c = res_ ? PQfnumber(res_, n.c_str()) : -1;
    if (c < 0)
        throw Error::internal("result has no column " + n);
    return c;
}

std::string PgResult::columnName(int col) const {
    return PQfname(res_, col);
}

bool PgResult::isNull(int row, int col) const {
    return PQgetisnull(res_, row, col) != 0;
}

std::string_view PgResult::text(int row, int col) const {
    return std::string_view(PQgetvalue(res_, row, col), PQgetlength(res_, row, col));
}

std::optional<std::string> PgResult::optStr(int row, std::string_view name) const {
    int c = column(name);
    if (isNull(row, c))
        return std::nullopt;
    return str(row, c);
}

int64_t PgResult::i64(int row, int col) const {
    auto t = text(row, col);
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

std::optional<int64_t> PgResult::optI64(int row, std::string_view name) const {
    int c = column(name);
    if (isNull(row, c))
        return std::nullopt;
    return i64(row, c);
}

double PgResult::f64(int row, std::string_view name) const {
    return std::strtod(std::string(text(row, column(name))).c_str(), nullptr);
}

int64_t PgResult::affected() const {
    const char* n = res_ ? PQcmdTuples(res_) : "";
    return (n && *n) ? std::atoll(n) : 0;
}

unsigned PgResult::type(int col) const {
    return PQftype(res_, col);
}

}  // namespace agora::db
