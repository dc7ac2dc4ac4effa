#include "migrate/Rehearsal.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "migrate/LockProber.h"
#include "migrate/LockSampler.h"
#include "migrate/MigrationLinter.h"
#include "migrate/RehearsalObservations.h"
#include "migrate/RehearsalSteps.h"
#include "migrate/Stager.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using rehearsal::bytes;

int64_t Rehearsal::tableBytes(db::PgConnection& conn, const std::string& schema) {
    return conn
        .q("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
           "JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')",
           schema)
        .i64(0, 0);
}

bool Rehearsal::rehearsed(db::PgConnection& conn, const std::string& target, const Step& step,
                          int64_t current_bytes, std::string& why) {
    auto r = conn.q(
        "SELECT table_bytes, to_char(created_at, 'YYYY-MM-DD HH24:MI') FROM network.rehearsals "
        "WHERE target = $1 AND step = $2 AND checksum = $3 AND ok ORDER BY created_at DESC",
        target, step.name, step.checksum);
    for (int i = 0; i < r.rows(); ++i) {
        int64_t b = r.i64(i, 0);
        // Within ±50% of today's size: durations and lock times scale with the data, so a
        // rehearsal on a much smaller copy predicts little.
        if (b * 2 >= current_bytes && b * 2 <= current_bytes * 3)
            return true;
    }
    if (r.empty()) {
        auto other =
            conn.q("SELECT 1 FROM network.rehearsals WHERE target = $1 AND step = $2 AND ok",
                   target, step.name);
        why = other.empty() ? step.name + " was never rehearsed"
                            : step.name +
                                  " was rehearsed with different contents (the file "
                                  "changed since)";
    } else {
        why = step.name + " was last rehearsed on " + bytes(r.i64(0, 0)) + " (" + r.str(0, 1) +
              "), production is " + bytes(current_bytes) + " now (more than ±50% apart)";
    }
    return false;
}

std::optional<int64_t> Rehearsal::estimatedMs(db::PgConnection& conn, const std::string& target,
                                              const Step& step) {
    auto r = conn.q(
        "SELECT (report->>'estimated_prod_ms')::bigint FROM network.rehearsals "
        "WHERE target = $1 AND step = $2 AND checksum = $3 AND ok "
        "  AND report ? 'estimated_prod_ms' ORDER BY created_at DESC LIMIT 1",
        target, step.name, step.checksum);
    if (r.empty())
        return std::nullopt;
    return r.i64(0, 0);
}

namespace {

using rehearsal::msSince;
using rehearsal::StepObs;

// Lint first: a step `agora migrate lint` refuses is not worth a staging refresh, and the
// rehearsal must not record it as rehearsed. True (and the report says why) when refused.
bool refusedByLint(const std::vector<Step>& all, const std::vector<Step>& pending, json& report) {
    auto refused = MigrationLinter::refusals(all, pending, "migrations/tenant");
    if (refused.empty())
        return false;
    report["ok"] = false;
    report["error"] = "refused by the lint (agora migrate lint)";
    report["note"] =
        "refused by the lint (agora migrate lint):\n" + MigrationLinter::describe(refused);
    json lint = json::array();
    for (const auto& f : refused)
        lint.push_back({{"file", f.file},
                        {"line", f.line},
                        {"rule", f.rule},
                        {"message", f.message},
                        {"fix", f.fix}});
    report["lint"] = lint;
    return true;
}

// A freshly restored copy is colder than production: no hint bits, no visibility map, no
// statistics, so the first statement to touch each row pays for setting them — a backfill
// rehearsed on it ran about twice as long as on production. Production has had autovacuum do
// that work; do it here before timing anything.
int64_t warm(db::PgConnection& obs, const std::string& schema) {
    auto warm_start = Clock::now();
    auto tables = obs.q(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind = 'r'",
        schema);
    for (int i = 0; i < tables.rows(); ++i)
        obs.exec("VACUUM (ANALYZE) " + tables.str(i, 0));
    return msSince(warm_start);
}

// The observers of one rehearsal: a lock sampler and a read and a write probe on the staging
// schema, and the catalog and statistics read around each step the applier runs.
class Observers {
public:
    Observers(const std::string& url, db::PgConnection& obs, db::PgConnection& applier,
              const std::string& schema, const std::vector<std::string>& tables,
              const RehearsalOptions& options)
        : obs_(obs),
          applier_(applier),
          schema_(schema),
          epoch_(Clock::now()),
          sampler_(url, schema, applierPid(applier), epoch_, options.sample_interval),
          reader_(url, schema, tables, LockProber::Kind::Read, epoch_),
          writer_(url, schema, tables, LockProber::Kind::Write, epoch_) {
        sampler_.start();
        if (options.probe) {
            reader_.start();
            writer_.start();
        }
    }

    void beforeStep() {
        closeStep();
        StepObs o;
        o.nodes_before = observed_.empty() ? rehearsal::relfilenodes(obs_, schema_)
                                           : observed_.back().nodes_after;
        o.stats_before =
            observed_.empty() ? rehearsal::tupleStats(obs_, schema_) : observed_.back().stats_after;
        o.start_ms = msSince(epoch_);
        observed_.push_back(std::move(o));
        setStep(static_cast<int>(observed_.size()) - 1);
    }

    // After the applier: closes the last step, stops the observers, notes what they saw.
    void finish(json& report) {
        closeStep();
        setStep(-1);
        sampler_.stop();
        reader_.stop();
        writer_.stop();
        report["samples"] = sampler_.samples();
        report["probes"] = reader_.probes() + writer_.probes();
        for (const auto* err : {&sampler_.error(), &reader_.error(), &writer_.error()})
            if (!err->empty())
                report["observer_errors"].push_back(*err);
    }

    std::vector<LockWait> waits() const {
        std::vector<LockWait> waits = sampler_.waits();
        waits.insert(waits.end(), reader_.waits().begin(), reader_.waits().end());
        waits.insert(waits.end(), writer_.waits().begin(), writer_.waits().end());
        return waits;
    }
    const std::vector<LockSpan>& spans() const { return sampler_.spans(); }
    const std::vector<StepObs>& observed() const { return observed_; }

private:
    static int applierPid(db::PgConnection& applier) {
        return static_cast<int>(applier.q("SELECT pg_backend_pid()").i64(0, 0));
    }
    void setStep(int step) {
        sampler_.setStep(step);
        reader_.setStep(step);
        writer_.setStep(step);
    }
    void closeStep() {
        if (observed_.empty())
            return;
        // The applier flushes its statistics when it goes idle after this call.
        applier_.exec("SELECT pg_stat_force_next_flush()");
        auto& o = observed_.back();
        o.end_ms = msSince(epoch_);
        o.nodes_after = rehearsal::relfilenodes(obs_, schema_);
        o.stats_after = rehearsal::tupleStats(obs_, schema_);
    }

    db::PgConnection& obs_;
    db::PgConnection& applier_;
    std::string schema_;
    Clock::time_point epoch_;
    LockSampler sampler_;
    LockProber reader_;
    LockProber writer_;
    std::vector<StepObs> observed_;
};

// One row per step in network.rehearsals: what `migrate apply` looks for before touching
// production.
void storeReports(db::PgConnection& obs, const json& report, const std::string& target,
                  const std::string& staging_target) {
    for (const auto& sj : report["steps"]) {
        json stored = sj;
        stored["tenant"] = report["tenant"];
        stored["staging"] = report["staging"];
        stored["rehearsal_started_at"] = report["started_at"];
        stored["table_bytes"] = report["table_bytes"];
        stored["staging_bytes"] = report["staging_bytes"];
        obs.q(
            "INSERT INTO network.rehearsals (target, staging_target, step, checksum, ok, "
            "report, table_bytes) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)",
            target, staging_target, sj["step"].get<std::string>(),
            sj["checksum"].get<std::string>(), sj["ok"].get<bool>(), stored.dump(),
            static_cast<long long>(report["table_bytes"].get<int64_t>()));
    }
}

}  // namespace

rehearsal::Sizes Rehearsal::measure(db::PgConnection& obs, const std::string& prod,
                                    const std::string& staging, json& report) {
    rehearsal::Sizes sizes;
    sizes.prod_bytes = rehearsal::tableSizes(obs, prod);
    sizes.staging_bytes = rehearsal::tableSizes(obs, staging);
    sizes.prod_rows = rehearsal::tableRows(obs, prod);
    sizes.staging_rows = rehearsal::tableRows(obs, staging);
    report["table_bytes"] = tableBytes(obs, prod);
    report["staging_bytes"] = tableBytes(obs, staging);
    return sizes;
}

bool Rehearsal::observeApply(db::PgConnection& obs, const std::string& staging_schema,
                             const std::string& staging_slug, const std::vector<Step>& steps,
                             const rehearsal::Sizes& sizes, const RehearsalOptions& options,
                             json& report) {
    db::PgConnection applier(database_url_);
    std::vector<std::string> tables;
    for (const auto& [name, size] : sizes.staging_bytes)
        tables.push_back(name);
    Observers observers(database_url_, obs, applier, staging_schema, tables, options);
    ApplyOptions ao = options.apply;
    ao.progress = [&](const std::string& m) {
        if (options.progress)
            options.progress(staging_slug + ": " + m);
    };
    ao.database_url = database_url_;
    ao.before_step = [&](const Step&) { observers.beforeStep(); };
    auto result = OnlineApplier(applier, ao).apply(staging_schema, steps);
    observers.finish(report);
    auto waits = observers.waits();
    const auto& observed = observers.observed();
    for (size_t i = 0; i < result.steps.size() && i < observed.size(); ++i)
        report["steps"].push_back(rehearsal::stepReport(result.steps[i], observed[i],
                                                        static_cast<int>(i), steps,
                                                        observers.spans(), waits, sizes));
    if (!result.ok)
        report["error"] = result.error;
    return result.ok;
}

json Rehearsal::run(const std::string& slug, const RehearsalOptions& options) {
    auto say = [&](const std::string& m) {
        if (options.progress)
            options.progress(m);
    };
    auto lease = owner_.acquire();
    auto& obs = *lease;
    auto target = MigrationPlan::tenant(obs, slug);
    if (!target)
        throw Error::notFound("no tenant " + slug);
    if (target->isStaging())
        throw Error::invalid("slug", slug + " is a staging copy; rehearse its production tenant");
    auto pending = plan_.pending(obs, *target);

    json report = {{"tenant", slug},
                   {"target", target->schema},
                   {"started_at", obs.q("SELECT now()::text").str(0, 0)},
                   {"sample_interval_ms", options.sample_interval.count()},
                   {"steps", json::array()}};
    if (pending.empty()) {
        report["ok"] = true;
        report["note"] = "nothing pending";
        return report;
    }
    if (refusedByLint(plan_.tenantSteps(), pending, report))
        return report;

    auto total_start = Clock::now();
    say("refreshing " + Stager::stagingSlug(slug));
    auto staged = Stager(owner_, database_url_).stage(slug, false, options.progress);
    report["staging"] = staged.slug;
    report["staging_target"] = staged.schema;
    report["stage_ms"] = staged.ms;

    auto staging = MigrationPlan::tenant(obs, staged.slug);
    auto staging_pending = plan_.pending(obs, *staging);
    if (staging_pending.size() != pending.size())
        throw Error::internal("the staging copy's ledger does not match " + slug + "'s");

    say("warming " + staged.slug + " (VACUUM ANALYZE)");
    report["warm_ms"] = warm(obs, staged.schema);
    auto sizes = measure(obs, target->schema, staged.schema, report);
    report["ok"] =
        observeApply(obs, staged.schema, staged.slug, staging_pending, sizes, options, report);
    report["total_ms"] = msSince(total_start);
    storeReports(obs, report, target->schema, staged.schema);
    return report;
}

}  // namespace agora::migrate
