#include "migrate/OnlineApplier.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "migrate/Ledger.h"
#include "migrate/SqlScript.h"
#include "migrate/StepStatements.h"
#include "tenancy/TenantRoles.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int64_t msSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

bool lockTimeout(const db::PgError& e) {
    // 55P03: lock_timeout fired (or NOWAIT); 40P01: chosen as a deadlock victim. Both leave
    // nothing behind once the transaction rolls back, so trying again later is safe.
    return dynamic_cast<const db::LockNotAvailable*>(&e) ||
           dynamic_cast<const db::DeadlockDetected*>(&e);
}

// Which statement_timeout the applier's default reaches in a step, for the report: a
// transactional step's own SET overrides it; in a no-transaction step it covers the statements
// before the step's own SET that may not run long.
void describeStatementTimeout(StepResult& res, const SqlScript& script, bool transactional,
                              std::optional<int64_t> rehearsed, int64_t value) {
    bool own = false, given = false;
    for (const auto& st : script.statements()) {
        if (mentionsSetting(st, "statement_timeout")) {
            own = true;
            if (!transactional)
                break;
            continue;
        }
        bool setting = !st.tokens.empty() && (st.tokens[0].is("SET") || st.tokens[0].is("RESET"));
        if (!setting && (transactional || !mayRunLong(st)))
            given = true;
    }
    if (given && !(transactional && own)) {
        res.statement_timeout_ms = value;
        res.statement_timeout_source = rehearsed ? "rehearsal" : "default";
    } else {
        res.statement_timeout_ms = 0;
        res.statement_timeout_source = own ? "step" : "none";
    }
}

}  // namespace

json StepResult::toJson() const {
    json j = {{"step", step},
              {"ok", ok},
              {"duration_ms", duration_ms},
              {"total_ms", total_ms},
              {"attempts", attempts},
              {"lock_timeouts", lock_timeouts},
              {"statement_timeout_ms", statement_timeout_ms},
              {"statement_timeout_source", statement_timeout_source}};
    if (!dropped_invalid_indexes.empty())
        j["dropped_invalid_indexes"] = dropped_invalid_indexes;
    if (!shadow.is_null())
        j["shadow"] = shadow;
    if (!ok) {
        j["error"] = error;
        j["sqlstate"] = sqlstate;
        if (error_line)
            j["line"] = error_line;
    }
    return j;
}

json ApplyResult::toJson() const {
    json s = json::array();
    for (const auto& r : steps)
        s.push_back(r.toJson());
    json j = {{"target", target}, {"ok", ok}, {"steps", s}};
    if (!error.empty())
        j["error"] = error;
    return j;
}

int64_t OnlineApplier::parseDurationMs(std::string_view setting) {
    size_t i = 0;
    while (i < setting.size() &&
           (std::isdigit(static_cast<unsigned char>(setting[i])) || setting[i] == '.'))
        ++i;
    if (i == 0)
        return 0;
    double value = std::stod(std::string(setting.substr(0, i)));
    std::string unit(setting.substr(i));
    unit.erase(std::remove(unit.begin(), unit.end(), ' '), unit.end());
    double factor = 1;  // PostgreSQL's unit for these settings is the millisecond
    if (unit == "us")
        factor = 0.001;
    else if (unit == "s")
        factor = 1000;
    else if (unit == "min")
        factor = 60'000;
    else if (unit == "h")
        factor = 3'600'000;
    else if (unit == "d")
        factor = 86'400'000;
    return static_cast<int64_t>(std::llround(value * factor));
}

int OnlineApplier::backoffMs(int attempt, int initial_ms, int max_ms) {
    int exp = std::min(attempt - 2, 20);
    int64_t base = std::min<int64_t>(static_cast<int64_t>(initial_ms) << std::max(exp, 0), max_ms);
    // Jitter so several appliers (or an applier and a retrying app) don't collide in lockstep.
    static thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_int_distribution<int64_t> jitter(0, base / 2);
    return static_cast<int>(base + jitter(rng));
}

int64_t OnlineApplier::statementTimeoutMs(std::optional<int64_t> estimated_ms, int64_t fallback) {
    if (!estimated_ms)
        return fallback;
    return std::clamp<int64_t>(*estimated_ms * 3, 10'000, 3'600'000);
}

void OnlineApplier::sleepBackoff(int attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(
        backoffMs(attempt, options_.backoff_initial_ms, options_.backoff_max_ms)));
}

void OnlineApplier::capLockTimeout(bool local) {
    auto current = parseDurationMs(conn_.q("SELECT current_setting('lock_timeout')").str(0, 0));
    if (current > 0 && current <= options_.max_lock_ms)
        return;
    conn_.exec(std::string(local ? "SET LOCAL" : "SET") +
               " lock_timeout = " + std::to_string(options_.max_lock_ms));
}

void OnlineApplier::resetSession() {
    // A plain SET inside a step outlives the step's transaction: don't let a file's timeouts or
    // search_path leak into whatever uses this connection next.
    try {
        conn_.exec("RESET lock_timeout; RESET statement_timeout; RESET search_path");
    } catch (const std::exception&) {
    }
    conn_.forgetSchema();
}

void OnlineApplier::enterSchema(const std::string& schema, bool local, int64_t statement_timeout) {
    const std::string set = local ? "SET LOCAL " : "SET ";
    const std::string schema_q = conn_.quoteIdent(schema);
    if (!online()) {
        // A fresh schema may not exist yet; nobody else uses it, so no timeouts.
        conn_.exec("CREATE SCHEMA IF NOT EXISTS " + schema_q + "; " + set + "search_path TO " +
                   schema_q + ", public");
    } else if (local) {
        // The step's own SETs run after these and override them (lock_timeout only downwards:
        // capLockTimeout).
        conn_.exec(set + "search_path TO " + schema_q + ", public; " + set +
                   "lock_timeout = " + std::to_string(options_.max_lock_ms) + "; " + set +
                   "statement_timeout = " + std::to_string(statement_timeout));
    } else {
        conn_.exec(set + "search_path TO " + schema_q +
                   ", public; SET lock_timeout = " + std::to_string(options_.max_lock_ms));
    }
    if (!local)
        conn_.forgetSchema();
}

int64_t OnlineApplier::statementTimeoutFor(const Step& step, const SqlScript& script,
                                           bool transactional, StepResult& res) const {
    std::optional<int64_t> rehearsed;
    if (auto it = options_.rehearsed_ms.find(step.name); it != options_.rehearsed_ms.end())
        rehearsed = it->second;
    int64_t statement_timeout =
        statementTimeoutMs(rehearsed, options_.default_statement_timeout_ms);
    describeStatementTimeout(res, script, transactional, rehearsed, statement_timeout);
    return statement_timeout;
}

void OnlineApplier::noteLockTimeout(const Step& step, int attempt, StepResult& res) {
    ++res.lock_timeouts;
    if (options_.progress)
        options_.progress(step.name + ": lock not granted within " +
                          std::to_string(options_.max_lock_ms) + " ms (attempt " +
                          std::to_string(attempt) + "), retrying");
}

void OnlineApplier::fail(StepResult& res, const db::PgError& e) {
    res.error = e.what();
    res.sqlstate = e.sqlstate();
    res.exception = std::current_exception();
}

bool OnlineApplier::refuseConcurrently(const SqlScript& script, StepResult& res) {
    // CONCURRENTLY refuses to run in a transaction block: say which directive the step lacks
    // instead of letting PostgreSQL fail it half-way.
    for (const auto& st : script.statements()) {
        if (!concurrent(st))
            continue;
        res.error = "line " + std::to_string(st.line) +
                    ": CONCURRENTLY cannot run inside a transaction; add "
                    "`-- agora:no-transaction` to the step";
        res.sqlstate = "25001";
        res.error_line = st.line;
        res.exception = std::make_exception_ptr(db::ActiveSqlTransaction(
            db::PgError(ErrorCode::Internal, "database_error", res.error, res.sqlstate, "")));
        return true;
    }
    return false;
}

bool OnlineApplier::transactionalAttempt(const std::string& schema, const Step& step,
                                         const SqlScript& script, int64_t statement_timeout,
                                         StepResult& res) {
    auto start = Clock::now();
    db::Transaction tx(conn_);
    // Another process may be migrating the same target: wait for it, then re-check.
    conn_.q("SELECT pg_advisory_xact_lock(hashtext($1))", schema);
    Ledger ledger(conn_);
    if (ledger.contains(schema, step.name))
        return false;
    enterSchema(schema, true, statement_timeout);
    for (const auto& st : script.statements()) {
        res.error_line = st.line;
        conn_.exec(st.sql);
        if (online() && setsLockTimeout(st))
            capLockTimeout(true);
    }
    res.error_line = 0;
    res.duration_ms = msSince(start);
    ledger.record(schema, step, res.duration_ms);
    tx.commit();
    return true;
}

StepResult OnlineApplier::runTransactional(const std::string& schema, const Step& step) {
    StepResult res;
    res.step = step.name;
    auto script = SqlScript::parse(step.sql);
    auto total_start = Clock::now();
    if (refuseConcurrently(script, res))
        return res;
    int64_t statement_timeout = statementTimeoutFor(step, script, true, res);
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        if (attempt > 1)
            sleepBackoff(attempt);
        res.attempts = attempt;
        auto start = Clock::now();
        try {
            if (!transactionalAttempt(schema, step, script, statement_timeout, res)) {
                res.ok = true;
                res.applied_meanwhile = true;
                res.error = "applied meanwhile by another process";
                return res;
            }
            res.ok = true;
            res.total_ms = msSince(total_start);
            resetSession();
            return res;
        } catch (const db::PgError& e) {
            resetSession();
            res.duration_ms = msSince(start);
            fail(res, e);
            if (!lockTimeout(e))
                break;
            noteLockTimeout(step, attempt, res);
        }
    }
    res.total_ms = msSince(total_start);
    return res;
}

void OnlineApplier::dropInvalidIndex(const std::string& schema, const Step& step,
                                     const std::string& index, StepResult& res) {
    auto r = conn_.q(
        "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2 AND NOT i.indisvalid",
        schema, index);
    if (r.empty())
        return;
    conn_.exec("DROP INDEX CONCURRENTLY IF EXISTS " + conn_.quoteIdent(schema) + "." +
               conn_.quoteIdent(index));
    res.dropped_invalid_indexes.push_back(index);
    if (options_.progress)
        options_.progress(step.name + ": dropped INVALID index " + index +
                          " left by an earlier attempt");
}

void OnlineApplier::runStatement(const std::string& schema, const Step& step,
                                 const SqlStatement& st, StepResult& res) {
    std::string index = concurrentIndexName(st);
    for (int attempt = 1;; ++attempt) {
        res.attempts = std::max(res.attempts, attempt);
        try {
            if (!index.empty())
                dropInvalidIndex(schema, step, index, res);
            conn_.exec(st.sql);
            if (online() && setsLockTimeout(st))
                capLockTimeout(false);
            return;
        } catch (const db::PgError& e) {
            res.error_line = st.line;
            if (!index.empty()) {
                // Whatever the failure, an INVALID index must not stay behind.
                try {
                    dropInvalidIndex(schema, step, index, res);
                } catch (const db::PgError&) {
                }
            }
            if (!lockTimeout(e) || attempt >= options_.max_attempts)
                throw;
            noteLockTimeout(step, attempt, res);
            sleepBackoff(attempt + 1);
        }
    }
}

StepResult OnlineApplier::runStatements(const std::string& schema, const Step& step) {
    StepResult res;
    res.step = step.name;
    auto script = SqlScript::parse(step.sql);
    auto total_start = Clock::now();
    auto start = Clock::now();
    int64_t statement_timeout = statementTimeoutFor(step, script, false, res);
    bool own_statement_timeout = false;  // the step set one: leave it alone from then on
    try {
        // CREATE INDEX CONCURRENTLY and friends cannot run in a transaction block, and several
        // statements in one query string form one: one statement at a time.
        enterSchema(schema, false, statement_timeout);
        for (const auto& st : script.statements()) {
            if (online() && !own_statement_timeout)
                conn_.exec("SET statement_timeout = " +
                           std::to_string(mayRunLong(st) ? 0 : statement_timeout));
            if (mentionsSetting(st, "statement_timeout"))
                own_statement_timeout = true;
            runStatement(schema, step, st, res);
        }
        res.error_line = 0;
        res.duration_ms = msSince(start);
        conn_.exec("RESET search_path");
        conn_.forgetSchema();
        Ledger(conn_).record(schema, step, res.duration_ms);
        res.ok = true;
    } catch (const db::PgError& e) {
        fail(res, e);
        res.duration_ms = msSince(start);
    }
    res.total_ms = msSince(total_start);
    resetSession();
    return res;
}

StepResult OnlineApplier::runShadow(const std::string& schema, const Step& step) {
    StepResult res;
    res.step = step.name;
    res.attempts = 1;
    auto start = Clock::now();
    if (options_.database_url.empty()) {
        res.error = "shadow steps need the database URL";
        return res;
    }
    // The engine sets its own timeouts; the step's SETs are for a plain apply.
    std::vector<std::string> statements;
    auto script = SqlScript::parse(step.sql);
    for (const auto& st : script.statements())
        if (!st.tokens.empty() && !st.tokens[0].is("SET") && !st.tokens[0].is("RESET"))
            statements.push_back(st.sql);
    ShadowOptions so = options_.shadow;
    so.max_lock_ms = options_.max_lock_ms;
    so.max_attempts = options_.max_attempts;
    if (!so.progress && options_.progress)
        so.progress = [&](const std::string& m) { options_.progress(step.name + ": " + m); };
    try {
        auto r =
            ShadowRewrite(options_.database_url, schema, step.shadow_table, statements).run(so);
        res.shadow = r.toJson();
        res.lock_timeouts = r.swap_attempts - 1;
        res.duration_ms = msSince(start);
        Ledger(conn_).record(schema, step, res.duration_ms);
        res.ok = true;
    } catch (const db::PgError& e) {
        fail(res, e);
    } catch (const std::exception& e) {
        res.error = e.what();
        res.exception = std::current_exception();
    }
    res.duration_ms = msSince(start);
    res.total_ms = res.duration_ms;
    return res;
}

StepResult OnlineApplier::runStep(const std::string& schema, const Step& step) {
    // A fresh schema has no readers to protect: a shadow step's statements run as they are.
    if (online() && !step.shadow_table.empty())
        return runShadow(schema, step);
    return step.transactional ? runTransactional(schema, step) : runStatements(schema, step);
}

namespace {

// pg_advisory_lock(hashtext(target)) for the whole apply, released when it ends.
struct TargetLock {
    db::PgConnection* conn = nullptr;
    std::string target;
    ~TargetLock() {
        if (!conn)
            return;
        try {
            conn->q("SELECT pg_advisory_unlock(hashtext($1))", target);
        } catch (...) {
        }
    }
};

}  // namespace

bool OnlineApplier::lockTarget(const std::string& schema, ApplyResult& out) {
    // One applier per target at a time. The lock waits under its own timeout: an applier that
    // is already running can take a while, and waiting for it blocks nobody else.
    conn_.exec("SET lock_timeout = '60s'");
    try {
        conn_.q("SELECT pg_advisory_lock(hashtext($1))", schema);
    } catch (const db::PgError& e) {
        resetSession();
        out.ok = false;
        out.error = "another migration of " + schema + " is still running (" + e.what() + ")";
        return false;
    }
    conn_.exec("RESET lock_timeout");
    return true;
}

ApplyResult OnlineApplier::apply(const std::string& schema, const std::vector<Step>& steps) {
    ApplyResult out;
    out.target = schema;
    if (steps.empty())
        return out;
    // A fresh schema's steps lock per step (each transaction waits for another applier of the
    // target, then re-checks the ledger), like the online ones do inside the session lock.
    TargetLock lock;
    if (online()) {
        if (!lockTarget(schema, out))
            return out;
        lock.conn = &conn_;
        lock.target = schema;
    }
    for (const auto& step : steps) {
        if (Ledger(conn_).contains(schema, step.name))
            continue;
        if (options_.before_step)
            options_.before_step(step);
        if (options_.progress)
            options_.progress(step.name);
        StepResult r = runStep(schema, step);
        out.steps.push_back(r);
        if (!r.ok) {
            out.ok = false;
            out.error = step.name + (r.error_line ? " line " + std::to_string(r.error_line) : "") +
                        ": " + r.error;
            break;
        }
    }
    // New tables (and a shadow-rewritten one) belong to the tenant's role as well.
    if (schema != "network" && !out.steps.empty() && (out.ok || online()))
        TenantRoles::ensure(conn_, schema);
    return out;
}

}  // namespace agora::migrate
