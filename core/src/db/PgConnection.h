#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "db/PgError.h"
#include "db/PgResult.h"
#include "util/Error.h"

struct pg_conn;

namespace agora::db {

using Param = std::optional<std::string>;
using Params = std::vector<Param>;

inline Param toParam(std::nullopt_t) {
    return std::nullopt;
}
inline Param toParam(const std::string& s) {
    return s;
}
inline Param toParam(std::string_view s) {
    return std::string(s);
}
inline Param toParam(const char* s) {
    return std::string(s);
}
inline Param toParam(bool b) {
    return std::string(b ? "t" : "f");
}
inline Param toParam(int v) {
    return std::to_string(v);
}
inline Param toParam(long v) {
    return std::to_string(v);
}
inline Param toParam(long long v) {
    return std::to_string(v);
}
inline Param toParam(unsigned v) {
    return std::to_string(v);
}
inline Param toParam(double v) {
    return std::to_string(v);
}
template <typename T>
Param toParam(const std::optional<T>& v) {
    return v ? toParam(*v) : std::nullopt;
}

// Limits for one connection; 0 = none. Requests get all three (see Config), so neither a dead
// server, a runaway statement, a lock wait nor a forgotten transaction can hold a worker.
struct ConnectionLimits {
    int connect_timeout_seconds = 0;
    int statement_timeout_ms = 0;
    int idle_in_transaction_timeout_ms = 0;
};

// Owns one libpq connection (RAII). Not thread-safe: one thread uses it at a time (the pool
// guarantees that). Statements run through query() are prepared once per connection and reused
// for every tenant: tenant tables are resolved through search_path, which PostgreSQL re-checks
// when it changes, so the same prepared name is correct in every schema.
class PgConnection {
public:
    explicit PgConnection(const std::string& url, const ConnectionLimits& limits = {});
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;
    ~PgConnection();

    bool healthy() const;
    // Which PgPool::setLimits generation opened this connection (the pool's bookkeeping).
    uint64_t limitsGeneration() const { return limits_generation_; }
    void setLimitsGeneration(uint64_t g) { limits_generation_ = g; }

    // Simple protocol, several statements allowed, no parameters (DDL, BEGIN, SET).
    PgResult exec(const std::string& sql);
    // Extended protocol with a cached prepared statement.
    PgResult query(const std::string& sql, const Params& params);
    template <typename... Args>
    PgResult q(const std::string& sql, const Args&... args) {
        return query(sql, Params{toParam(args)...});
    }
    // Unprepared parameterised statement (one-off SQL, e.g. dynamic DDL helpers).
    PgResult execParams(const std::string& sql, const Params& params);

    // Point unqualified names at one tenant schema. The name must come from the tenant
    // directory; it is quoted here regardless.
    void useSchema(const std::string& schema);
    const std::string& currentSchema() const { return schema_; }
    // Forget the cached search_path (a rolled-back transaction may have undone a SET).
    void forgetSchema() {
        schema_.clear();
        search_path_default_ = false;
    }
    // Back to the server's default search_path unless it is known to be there; the pool calls
    // it on every release, so no lease ever starts with another tenant's schema.
    void resetSchema();

    std::string quoteIdent(std::string_view ident) const;
    std::string quoteLiteral(std::string_view s) const;

    // Statements issued since construction (used to prove pages do no N+1 queries).
    uint64_t statementCount() const { return statements_; }
    // Transactions committed through Transaction (a request may retry only before its first).
    uint64_t commitCount() const { return commits_; }

    pg_conn* raw() { return conn_; }

    // LISTEN/NOTIFY support: waits up to timeout_ms for notifications, calls fn per one.
    void waitNotifications(int timeout_ms,
                           const std::function<void(std::string channel, std::string payload)>& fn);

private:
    PgResult check(pg_result* res, const std::string& sql);

    pg_conn* conn_ = nullptr;
    std::unordered_set<std::string> prepared_;
    std::string schema_;
    bool search_path_default_ = true;
    uint64_t statements_ = 0;
    uint64_t commits_ = 0;
    uint64_t limits_generation_ = 0;
    friend class Transaction;
};

// BEGIN on construction, ROLLBACK on destruction unless commit() ran: a request's writes are
// one transaction and an exception anywhere leaves nothing half-written.
class Transaction {
public:
    explicit Transaction(PgConnection& conn, const char* begin_sql = "BEGIN");
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();
    bool active() const { return active_; }

private:
    PgConnection& conn_;
    bool active_ = true;
};

}  // namespace agora::db
