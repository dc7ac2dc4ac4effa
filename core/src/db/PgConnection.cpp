#include "db/PgConnection.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <functional>

namespace agora::db {

namespace {

PgError makeError(const PGresult* res, const PGconn* conn, const std::string& sql) {
    std::string state, constraint, message;
    if (res) {
        const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        const char* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
        const char* m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        state = s ? s : "";
        constraint = c ? c : "";
        message = m ? m : "";
    }
    if (message.empty())
        message = conn ? PQerrorMessage(conn) : "database error";
    if (state.empty() && conn && PQstatus(conn) != CONNECTION_OK)
        state = "08006";
    std::string cls = state.substr(0, 2);
    ErrorCode kind = ErrorCode::Internal;
    std::string code = "database_error";
    if (state == "23505") {
        kind = ErrorCode::Conflict;
        code = "conflict";
    } else if (state == "23503" || state == "23514" || state == "23502") {
        kind = ErrorCode::Invalid;
        code = "invalid";
    } else if (cls == "22") {
        kind = ErrorCode::BadRequest;
        code = "bad_request";
    } else if (state == "40001" || state == "40P01") {
        kind = ErrorCode::Conflict;
        code = "retry";
    } else if (cls == "08" || state == "57P01" || state == "57P03" || state == "55P03" ||
               state == "57014") {
        kind = ErrorCode::Unavailable;
        code = "database_unavailable";
    }
    if (kind == ErrorCode::Internal) {
        spdlog::error("sql error {}: {} in: {}", state, message, sql.substr(0, 200));
    }
    return PgError(kind, code, message, state, constraint);
}

}  // namespace

PgConnection::PgConnection(const std::string& url, const ConnectionLimits& limits) {
    // connect_timeout rides along as a connection parameter (it must bound the connect
    // itself); the URL's own parameters come first and a later keyword wins, so ours applies.
    std::string timeout = std::to_string(limits.connect_timeout_seconds);
    const char* keys[] = {
        "dbname", limits.connect_timeout_seconds > 0 ? "connect_timeout" : nullptr, nullptr};
    const char* values[] = {url.c_str(), timeout.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, 1);
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        throw BrokenConnection(PgError(ErrorCode::Unavailable, "database_unavailable",
                                       "cannot connect to PostgreSQL: " + msg, "08001", ""));
    }
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    std::string set;
    if (limits.statement_timeout_ms > 0)
        set += "SET statement_timeout = " + std::to_string(limits.statement_timeout_ms) + ";";
    if (limits.idle_in_transaction_timeout_ms > 0)
        set += "SET idle_in_transaction_session_timeout = " +
               std::to_string(limits.idle_in_transaction_timeout_ms) + ";";
    if (!set.empty()) {
        PGresult* res = PQexec(conn_, set.c_str());
        bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
        std::string msg = ok ? "" : PQerrorMessage(conn_);
        if (res)
            PQclear(res);
        if (!ok) {
            PQfinish(conn_);
            conn_ = nullptr;
            throw BrokenConnection(PgError(ErrorCode::Unavailable, "database_unavailable",
                                           "cannot set connection limits: " + msg, "08001", ""));
        }
    }
}

PgConnection::~PgConnection() {
    if (conn_)
        PQfinish(conn_);
}

bool PgConnection::healthy() const {
    return conn_ && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

PgResult PgConnection::check(PGresult* res, const std::string& sql) {
    auto st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY ||
        st == PGRES_COPY_IN || st == PGRES_COPY_OUT) {
        return PgResult(res);
    }
    PgError err = makeError(res, conn_, sql);
    if (res)
        PQclear(res);
    throwPgError(err);
}

PgResult PgConnection::exec(const std::string& sql) {
    ++statements_;
    return check(PQexec(conn_, sql.c_str()), sql);
}

static std::vector<const char*> rawParams(const Params& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params)
        values.push_back(p ? p->c_str() : nullptr);
    return values;
}

PgResult PgConnection::query(const std::string& sql, const Params& params) {
    std::string name = "a" + std::to_string(std::hash<std::string>{}(sql));
    if (!prepared_.count(name)) {
        PGresult* res = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
        check(res, sql);
        prepared_.insert(name);
    }
    ++statements_;  // executions only: a first-use PREPARE is not the page's doing
    auto values = rawParams(params);
    return check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                                nullptr, nullptr, 0),
                 sql);
}

PgResult PgConnection::execParams(const std::string& sql, const Params& params) {
    ++statements_;  // executions only: a first-use PREPARE is not the page's doing
    auto values = rawParams(params);
    return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 sql);
}

void PgConnection::useSchema(const std::string& schema) {
    if (schema == schema_)
        return;
    // Not counted: whether a pooled connection needs the switch depends on its history.
    check(PQexec(conn_, ("SET search_path TO " + quoteIdent(schema) + ", public").c_str()),
          "SET search_path");
    schema_ = schema;
    search_path_default_ = false;
}

void PgConnection::resetSchema() {
    if (search_path_default_)
        return;
    check(PQexec(conn_, "RESET search_path"), "RESET search_path");
    schema_.clear();
    search_path_default_ = true;
}

std::string PgConnection::quoteIdent(std::string_view ident) const {
    char* q = PQescapeIdentifier(conn_, ident.data(), ident.size());
    if (!q)
        throw Error::internal("cannot quote identifier");
    std::string out(q);
    PQfreemem(q);
    return out;
}

std::string PgConnection::quoteLiteral(std::string_view s) const {
    char* q = PQescapeLiteral(conn_, s.data(), s.size());
    if (!q)
        throw Error::internal("cannot quote literal");
    std::string out(q);
    PQfreemem(q);
    return out;
}

void PgConnection::waitNotifications(int timeout_ms,
                                     const std::function<void(std::string, std::string)>& fn) {
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc < 0)
        return;
    if (!PQconsumeInput(conn_)) {
        throw BrokenConnection(PgError(ErrorCode::Unavailable, "database_unavailable",
                                       PQerrorMessage(conn_), "08006", ""));
    }
    while (PGnotify* n = PQnotifies(conn_)) {
        std::string channel = n->relname, payload = n->extra ? n->extra : "";
        PQfreemem(n);
        fn(channel, payload);
    }
}

Transaction::Transaction(PgConnection& conn, const char* begin_sql) : conn_(conn) {
    conn_.exec(begin_sql);
}

Transaction::~Transaction() {
    if (active_) {
        try {
            conn_.exec("ROLLBACK");
        } catch (...) {
        }
        // A SET inside the rolled-back transaction is undone; don't trust the cache.
        conn_.forgetSchema();
    }
}

void Transaction::commit() {
    conn_.exec("COMMIT");
    active_ = false;
    ++conn_.commits_;
}

}  // namespace agora::db
