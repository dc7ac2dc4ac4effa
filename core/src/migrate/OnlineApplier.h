#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/PgConnection.h"
#include "migrate/Migrator.h"
#include "migrate/ShadowRewrite.h"
#include "migrate/SqlScript.h"

namespace agora::migrate {

// Online: a live schema that the application is using (locks, timeouts, retries, shadow
// rewrites). Fresh: a schema that is new or that nothing reads yet (network init, a new tenant,
// a plugin's first enable): the steps run as written, each with its ledger row, and the
// first failure's exception is kept in the result for the caller to rethrow (Migrator does).
enum class ApplyMode { Online, Fresh };

struct ApplyOptions {
    ApplyMode mode = ApplyMode::Online;
    // Ceiling for every lock wait. A file may ask for less, never for more: one long lock wait
    // queues every other query on the table behind it.
    int max_lock_ms = 500;
    // Attempts per transactional step / per statement of a no-transaction step.
    int max_attempts = 8;
    int backoff_initial_ms = 100;
    int backoff_max_ms = 5000;
    // statement_timeout for a step that sets none, so that a step with no SET lines is safe:
    // sized from the step's rehearsal (estimated production time per step name, filled by
    // `migrate apply`), or this default when it has none. CREATE INDEX CONCURRENTLY and DO
    // blocks of a no-transaction step get none (they hold nothing that blocks the application
    // and may run long); a step's own SET statement_timeout overrides.
    std::map<std::string, int64_t> rehearsed_ms;
    int64_t default_statement_timeout_ms = 60'000;
    std::function<void(const std::string&)> progress;
    // Around each step (the rehearsal marks its timeline and reads statistics there).
    std::function<void(const Step&)> before_step;
    // For "-- agora:shadow TABLE" steps: the engine opens connections of its own.
    std::string database_url;
    ShadowOptions shadow;
};

struct StepResult {
    std::string step;
    bool ok = false;
    int64_t duration_ms = 0;  // the attempt that succeeded (or the last one)
    int64_t total_ms = 0;     // including failed attempts and backoff
    int attempts = 0;
    int lock_timeouts = 0;
    // The statement_timeout the applier gave the step's statements (0: none) and where it came
    // from: "rehearsal", "default", "step" (the step sets its own) or "none" (only statements
    // that may run long: CONCURRENTLY, DO).
    int64_t statement_timeout_ms = 0;
    std::string statement_timeout_source;
    std::vector<std::string> dropped_invalid_indexes;
    std::string error;
    std::string sqlstate;
    int error_line = 0;  // line in the file of the statement that failed
    // ok, but another process applied the step meanwhile (nothing ran here).
    bool applied_meanwhile = false;
    // What failed the step, as thrown (not in the JSON): a fresh apply rethrows it.
    std::exception_ptr exception;

    nlohmann::json shadow;  // ShadowRewrite figures, for shadow steps

    nlohmann::json toJson() const;
};

struct ApplyResult {
    std::string target;
    std::vector<StepResult> steps;
    bool ok = true;
    std::string error;

    nlohmann::json toJson() const;
};

// Runs pending steps on a live schema without long lock queues (DESIGN decision 6):
// - every statement runs under lock_timeout (capped at max_lock_ms); when it fires, the step's
//   transaction rolls back and is retried with exponential backoff, so other sessions wait at
//   most one timeout instead of queueing behind a blocked ALTER;
// - a transactional step is all or nothing together with its ledger row, so the ledger never
//   claims what didn't happen;
// - a no-transaction step runs statement by statement; before CREATE INDEX CONCURRENTLY an
//   INVALID index of the same name (left by an earlier failure) is dropped, and one left by a
//   failure now is dropped too, because an invalid index still costs every write;
// - a "-- agora:shadow TABLE" step goes through ShadowRewrite (copy, catch-up, verify, swap);
// - applies to one target are serialised by an advisory lock, and a step another process
//   finished meanwhile is skipped;
// - in ApplyMode::Fresh (Migrator: network init, new tenants, plugin enable) none of the above
//   is needed: the same engine runs the steps as written and records them.
// Every step's ledger row is written through Ledger, in the step's transaction when it has one.
// Stops at the first failing step: later steps may depend on it.
class OnlineApplier {
public:
    OnlineApplier(db::PgConnection& conn, ApplyOptions options)
        : conn_(conn), options_(std::move(options)) {}

    ApplyResult apply(const std::string& schema, const std::vector<Step>& steps);

    // A PostgreSQL duration setting ("500ms", "2s", "1min", "0") in milliseconds; 0 = none.
    static int64_t parseDurationMs(std::string_view setting);
    // Backoff before attempt `attempt` (2, 3, ...): exponential, capped, with jitter.
    static int backoffMs(int attempt, int initial_ms, int max_ms);
    // The statement_timeout a step gets when it sets none: three times the rehearsal's
    // production estimate, at least 10 s (noise on small copies) and at most 1 h; `fallback`
    // when the step was never rehearsed.
    static int64_t statementTimeoutMs(std::optional<int64_t> estimated_ms, int64_t fallback);

private:
    bool online() const { return options_.mode == ApplyMode::Online; }
    bool lockTarget(const std::string& schema, ApplyResult& out);
    StepResult runStep(const std::string& schema, const Step& step);
    StepResult runTransactional(const std::string& schema, const Step& step);
    bool transactionalAttempt(const std::string& schema, const Step& step, const SqlScript& script,
                              int64_t statement_timeout, StepResult& res);
    bool refuseConcurrently(const SqlScript& script, StepResult& res);
    StepResult runStatements(const std::string& schema, const Step& step);
    void runStatement(const std::string& schema, const Step& step, const SqlStatement& st,
                      StepResult& res);
    void dropInvalidIndex(const std::string& schema, const Step& step, const std::string& index,
                          StepResult& res);
    StepResult runShadow(const std::string& schema, const Step& step);
    void enterSchema(const std::string& schema, bool local, int64_t statement_timeout);
    int64_t statementTimeoutFor(const Step& step, const SqlScript& script, bool transactional,
                                StepResult& res) const;
    void noteLockTimeout(const Step& step, int attempt, StepResult& res);
    static void fail(StepResult& res, const db::PgError& e);
    void capLockTimeout(bool local);
    void resetSession();
    void sleepBackoff(int attempt);

    db::PgConnection& conn_;
    ApplyOptions options_;
};

}  // namespace agora::migrate
