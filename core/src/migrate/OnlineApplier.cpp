#include "migrate/OnlineApplier.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "migrate/SqlScript.h"
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
    return e.sqlstate() == "55P03" || e.sqlstate() == "40P01";
}

bool setsLockTimeout(const SqlStatement& st) {
    const auto& t = st.tokens;
    for (size_t i = 0; i < t.size(); ++i) {
        if ((t[i].kind == SqlToken::Kind::Word && t[i].name() == "lock_timeout") ||
            (t[i].kind == SqlToken::Kind::String && t[i].text == "lock_timeout"))
            return t[0].is("SET") || t[0].is("SELECT") || t[0].is("RESET");
    }
    return false;
}

bool mentionsSetting(const SqlStatement& st, const std::string& name) {
    const auto& t = st.tokens;
    if (t.empty() || !(t[0].is("SET") || t[0].is("SELECT") || t[0].is("RESET")))
        return false;
    for (const auto& tok : t)
        if ((tok.kind == SqlToken::Kind::Word && tok.name() == name) ||
            (tok.kind == SqlToken::Kind::String && tok.text == name) ||
            (t[0].is("RESET") && tok.is("ALL")))
            return true;
    return false;
}

bool concurrent(const SqlStatement& st) {
    for (const auto& tok : st.tokens)
        if (tok.is("CONCURRENTLY"))
            return true;
    return false;
}

// Statements that hold nothing blocking the application while they run and may run long: a
// concurrent build, and a batched DO block (it commits per batch in a no-transaction step).
bool mayRunLong(const SqlStatement& st) {
    return concurrent(st) || (!st.tokens.empty() && st.tokens[0].is("DO"));
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

// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON ...: the index name.
std::string concurrentIndexName(const SqlStatement& st) {
    const auto& t = st.tokens;
    size_t i = 0;
    if (i >= t.size() || !t[i++].is("CREATE"))
        return "";
    if (i < t.size() && t[i].is("UNIQUE"))
        ++i;
    if (i + 1 >= t.size() || !t[i].is("INDEX") || !t[i + 1].is("CONCURRENTLY"))
        return "";
    i += 2;
    if (i + 2 < t.size() && t[i].is("IF") && t[i + 1].is("NOT") && t[i + 2].is("EXISTS"))
        i += 3;
    if (i >= t.size() || !t[i].ident() || t[i].is("ON"))
        return "";
    std::string name = t[i].name();
    // schema.name: the last part
    while (i + 2 < t.size() && t[i + 1].punct(".") && t[i + 2].ident()) {
        name = t[i + 2].name();
        i += 2;
    }
    return name;
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

bool OnlineApplier::alreadyApplied(const std::string& schema, const Step& step) {
    return !conn_
                .q("SELECT 1 FROM network.schema_migrations WHERE target = $1 AND step = $2",
                   schema, step.name)
                .empty();
}

void OnlineApplier::record(const std::string& schema, const Step& step, int64_t ms) {
    conn_.q(
        "INSERT INTO network.schema_migrations (target, step, checksum, duration_ms) "
        "VALUES ($1, $2, $3, $4)",
        schema, step.name, step.checksum, static_cast<long long>(ms));
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

StepResult OnlineApplier::runTransactional(const std::string& schema, const Step& step) {
    StepResult res;
    res.step = step.name;
    auto script = SqlScript::parse(step.sql);
    auto total_start = Clock::now();
    // CONCURRENTLY refuses to run in a transaction block: say which directive the step lacks
    // instead of letting PostgreSQL fail it half-way.
    for (const auto& st : script.statements()) {
        if (concurrent(st)) {
            res.error = "line " + std::to_string(st.line) +
                        ": CONCURRENTLY cannot run inside a transaction; add "
                        "`-- agora:no-transaction` to the step";
            res.sqlstate = "25001";
            res.error_line = st.line;
            return res;
        }
    }
    std::optional<int64_t> rehearsed;
    if (auto it = options_.rehearsed_ms.find(step.name); it != options_.rehearsed_ms.end())
        rehearsed = it->second;
    int64_t statement_timeout =
        statementTimeoutMs(rehearsed, options_.default_statement_timeout_ms);
    describeStatementTimeout(res, script, true, rehearsed, statement_timeout);
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        if (attempt > 1)
            sleepBackoff(attempt);
        res.attempts = attempt;
        auto start = Clock::now();
        int line = 0;
        try {
            db::Transaction tx(conn_);
            conn_.q("SELECT pg_advisory_xact_lock(hashtext($1))", schema);
            if (alreadyApplied(schema, step)) {
                res.ok = true;
                res.error = "applied meanwhile by another process";
                return res;
            }
            // The step's own SETs run after these and override them (lock_timeout only
            // downwards: capLockTimeout).
            conn_.exec(
                "SET LOCAL search_path TO " + conn_.quoteIdent(schema) +
                ", public; SET LOCAL lock_timeout = " + std::to_string(options_.max_lock_ms) +
                "; SET LOCAL statement_timeout = " + std::to_string(statement_timeout));
            for (const auto& st : script.statements()) {
                line = st.line;
                conn_.exec(st.sql);
                if (setsLockTimeout(st))
                    capLockTimeout(true);
            }
            line = 0;
            res.duration_ms = msSince(start);
            record(schema, step, res.duration_ms);
            tx.commit();
            res.ok = true;
            res.total_ms = msSince(total_start);
            resetSession();
            return res;
        } catch (const db::PgError& e) {
            resetSession();
            res.duration_ms = msSince(start);
            res.error = e.what();
            res.sqlstate = e.sqlstate();
            res.error_line = line;
            if (!lockTimeout(e))
                break;
            ++res.lock_timeouts;
            if (options_.progress)
                options_.progress(step.name + ": lock not granted within " +
                                  std::to_string(options_.max_lock_ms) + " ms (attempt " +
                                  std::to_string(attempt) + "), retrying");
        }
    }
    res.total_ms = msSince(total_start);
    return res;
}

StepResult OnlineApplier::runStatements(const std::string& schema, const Step& step) {
    StepResult res;
    res.step = step.name;
    auto script = SqlScript::parse(step.sql);
    auto total_start = Clock::now();
    auto start = Clock::now();
    std::string schema_q = conn_.quoteIdent(schema);
    auto dropInvalid = [&](const std::string& index) {
        auto r = conn_.q(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relname = $2 AND NOT i.indisvalid",
            schema, index);
        if (r.empty())
            return;
        conn_.exec("DROP INDEX CONCURRENTLY IF EXISTS " + schema_q + "." + conn_.quoteIdent(index));
        res.dropped_invalid_indexes.push_back(index);
        if (options_.progress)
            options_.progress(step.name + ": dropped INVALID index " + index +
                              " left by an earlier attempt");
    };
    std::optional<int64_t> rehearsed;
    if (auto it = options_.rehearsed_ms.find(step.name); it != options_.rehearsed_ms.end())
        rehearsed = it->second;
    int64_t statement_timeout =
        statementTimeoutMs(rehearsed, options_.default_statement_timeout_ms);
    describeStatementTimeout(res, script, false, rehearsed, statement_timeout);
    bool own_statement_timeout = false;  // the step set one: leave it alone from then on
    try {
        conn_.exec("SET search_path TO " + schema_q +
                   ", public; SET lock_timeout = " + std::to_string(options_.max_lock_ms));
        conn_.forgetSchema();
        for (const auto& st : script.statements()) {
            if (!own_statement_timeout)
                conn_.exec("SET statement_timeout = " +
                           std::to_string(mayRunLong(st) ? 0 : statement_timeout));
            if (mentionsSetting(st, "statement_timeout"))
                own_statement_timeout = true;
            std::string index = concurrentIndexName(st);
            for (int attempt = 1;; ++attempt) {
                res.attempts = std::max(res.attempts, attempt);
                try {
                    if (!index.empty())
                        dropInvalid(index);
                    conn_.exec(st.sql);
                    if (setsLockTimeout(st))
                        capLockTimeout(false);
                    break;
                } catch (const db::PgError& e) {
                    res.error_line = st.line;
                    if (!index.empty()) {
                        // Whatever the failure, an INVALID index must not stay behind.
                        try {
                            dropInvalid(index);
                        } catch (const db::PgError&) {
                        }
                    }
                    if (!lockTimeout(e) || attempt >= options_.max_attempts)
                        throw;
                    ++res.lock_timeouts;
                    if (options_.progress)
                        options_.progress(step.name + ": lock not granted within " +
                                          std::to_string(options_.max_lock_ms) + " ms (attempt " +
                                          std::to_string(attempt) + "), retrying");
                    sleepBackoff(attempt + 1);
                }
            }
        }
        res.error_line = 0;
        res.duration_ms = msSince(start);
        conn_.exec("RESET search_path");
        conn_.forgetSchema();
        record(schema, step, res.duration_ms);
        res.ok = true;
    } catch (const db::PgError& e) {
        res.error = e.what();
        res.sqlstate = e.sqlstate();
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
        record(schema, step, res.duration_ms);
        res.ok = true;
    } catch (const db::PgError& e) {
        res.error = e.what();
        res.sqlstate = e.sqlstate();
    } catch (const std::exception& e) {
        res.error = e.what();
    }
    res.duration_ms = msSince(start);
    res.total_ms = res.duration_ms;
    return res;
}

ApplyResult OnlineApplier::apply(const std::string& schema, const std::vector<Step>& steps) {
    ApplyResult out;
    out.target = schema;
    if (steps.empty())
        return out;
    // One applier per target at a time. The lock waits under its own timeout: an applier that
    // is already running can take a while, and waiting for it blocks nobody else.
    conn_.exec("SET lock_timeout = '60s'");
    try {
        conn_.q("SELECT pg_advisory_lock(hashtext($1))", schema);
    } catch (const db::PgError& e) {
        resetSession();
        out.ok = false;
        out.error = "another migration of " + schema + " is still running (" + e.what() + ")";
        return out;
    }
    conn_.exec("RESET lock_timeout");
    struct Unlock {
        db::PgConnection& c;
        std::string schema;
        ~Unlock() {
            try {
                c.q("SELECT pg_advisory_unlock(hashtext($1))", schema);
            } catch (...) {
            }
        }
    } unlock{conn_, schema};

    for (const auto& step : steps) {
        if (alreadyApplied(schema, step))
            continue;
        if (options_.before_step)
            options_.before_step(step);
        if (options_.progress)
            options_.progress(step.name);
        StepResult r = !step.shadow_table.empty() ? runShadow(schema, step)
                       : step.transactional       ? runTransactional(schema, step)
                                                  : runStatements(schema, step);
        out.steps.push_back(r);
        if (!r.ok) {
            out.ok = false;
            out.error = step.name + (r.error_line ? " line " + std::to_string(r.error_line) : "") +
                        ": " + r.error;
            break;
        }
    }
    // New tables (and a shadow-rewritten one) belong to the tenant's role as well.
    if (schema != "network" && !out.steps.empty())
        TenantRoles::ensure(conn_, schema);
    return out;
}

}  // namespace agora::migrate
