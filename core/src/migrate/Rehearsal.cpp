#include "migrate/Rehearsal.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "migrate/LockProber.h"
#include "migrate/LockSampler.h"
#include "migrate/MigrationLinter.h"
#include "migrate/Stager.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

struct RelInfo {
    std::string node;
    char kind = 'r';
};

std::map<std::string, RelInfo> relfilenodes(db::PgConnection& c, const std::string& schema) {
    auto r =
        c.q("SELECT c.relname, c.relfilenode::text, c.relkind::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'i', 'm')",
            schema);
    std::map<std::string, RelInfo> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = {r.str(i, 1), r.str(i, 2).empty() ? 'r' : r.str(i, 2)[0]};
    return out;
}

struct TupleStats {
    int64_t ins = 0, upd = 0, del = 0;
};

std::map<std::string, TupleStats> tupleStats(db::PgConnection& c, const std::string& schema) {
    // Statistics are cached per transaction; ask for fresh ones.
    c.exec("SELECT pg_stat_clear_snapshot()");
    auto r =
        c.q("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables "
            "WHERE schemaname = $1",
            schema);
    std::map<std::string, TupleStats> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = {r.i64(i, 1), r.i64(i, 2), r.i64(i, 3)};
    return out;
}

std::map<std::string, int64_t> tableSizes(db::PgConnection& c, const std::string& schema) {
    auto r =
        c.q("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')",
            schema);
    std::map<std::string, int64_t> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = r.i64(i, 1);
    return out;
}

// Live rows per table, from the statistics PostgreSQL keeps as rows are written (no scan).
// What a step's work scales with: bytes would count production's dead tuples, which a freshly
// restored staging copy doesn't have, and over-estimate a busy table by its bloat.
std::map<std::string, int64_t> tableRows(db::PgConnection& c, const std::string& schema) {
    auto r =
        c.q("SELECT c.relname, greatest(coalesce(s.n_live_tup, 0), c.reltuples::bigint, 0) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid "
            "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm')",
            schema);
    std::map<std::string, int64_t> out;
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = r.i64(i, 1);
    return out;
}

int64_t msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// What was observed around one step.
struct StepObs {
    int64_t start_ms = 0, end_ms = 0;
    std::map<std::string, RelInfo> nodes_before, nodes_after;
    std::map<std::string, TupleStats> stats_before, stats_after;
};

std::string human(int64_t ms) {
    char buf[32];
    if (ms < 1000)
        std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
    else if (ms < 120'000)
        std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ms) / 1000.0);
    else if (ms < 7'200'000)
        std::snprintf(buf, sizeof buf, "%.1f min", static_cast<double>(ms) / 60'000.0);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", static_cast<double>(ms) / 3'600'000.0);
    return buf;
}

std::string bytes(int64_t b) {
    char buf[32];
    if (b < 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.0f kB", static_cast<double>(b) / 1024.0);
    else if (b < 1024LL * 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1024.0 * 1024.0));
    else
        std::snprintf(buf, sizeof buf, "%.2f GB",
                      static_cast<double>(b) / (1024.0 * 1024.0 * 1024.0));
    return buf;
}

std::string pad(std::string s, size_t w) {
    if (s.size() > w)
        s = s.substr(0, w - 1) + "~";
    s.resize(w, ' ');
    return s;
}

}  // namespace

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

json Rehearsal::run(const std::string& slug, const RehearsalOptions& options) {
    auto say = [&](const std::string& m) {
        if (options.progress)
            options.progress(m);
    };
    auto lease = app_.ownerPool().acquire();
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
    // Lint first: a step `agora migrate lint` refuses is not worth a staging refresh, and the
    // rehearsal must not record it as rehearsed.
    if (auto refused = MigrationLinter::refusals(plan_.tenantSteps(), pending, "migrations/tenant");
        !refused.empty()) {
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
        return report;
    }

    auto total_start = Clock::now();
    say("refreshing " + Stager::stagingSlug(slug));
    auto staged = Stager(app_).stage(slug, false, options.progress);
    report["staging"] = staged.slug;
    report["staging_target"] = staged.schema;
    report["stage_ms"] = staged.ms;

    auto staging = MigrationPlan::tenant(obs, staged.slug);
    auto staging_pending = plan_.pending(obs, *staging);
    if (staging_pending.size() != pending.size())
        throw Error::internal("the staging copy's ledger does not match " + slug + "'s");

    // A freshly restored copy is colder than production: no hint bits, no visibility map, no
    // statistics, so the first statement to touch each row pays for setting them — a backfill
    // rehearsed on it ran about twice as long as on production. Production has had autovacuum
    // do that work; do it here before timing anything.
    {
        auto warm_start = Clock::now();
        say("warming " + staged.slug + " (VACUUM ANALYZE)");
        auto tables = obs.q(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = $1 AND c.relkind = 'r'",
            staged.schema);
        for (int i = 0; i < tables.rows(); ++i)
            obs.exec("VACUUM (ANALYZE) " + tables.str(i, 0));
        report["warm_ms"] = msSince(warm_start);
    }

    auto prod_sizes = tableSizes(obs, target->schema);
    auto staging_sizes = tableSizes(obs, staged.schema);
    auto prod_rows = tableRows(obs, target->schema);
    auto staging_rows = tableRows(obs, staged.schema);
    int64_t prod_bytes = tableBytes(obs, target->schema);
    int64_t staging_bytes = tableBytes(obs, staged.schema);
    report["table_bytes"] = prod_bytes;
    report["staging_bytes"] = staging_bytes;

    db::PgConnection applier(app_.config().migration_database_url);
    int applier_pid = static_cast<int>(applier.q("SELECT pg_backend_pid()").i64(0, 0));
    auto epoch = Clock::now();
    LockSampler sampler(app_.config().migration_database_url, staged.schema, applier_pid, epoch,
                        options.sample_interval);
    std::vector<std::string> tables;
    for (const auto& [name, size] : staging_sizes)
        tables.push_back(name);
    LockProber reader(app_.config().migration_database_url, staged.schema, tables,
                      LockProber::Kind::Read, epoch);
    LockProber writer(app_.config().migration_database_url, staged.schema, tables,
                      LockProber::Kind::Write, epoch);
    sampler.start();
    if (options.probe) {
        reader.start();
        writer.start();
    }

    std::vector<StepObs> observed;
    auto closeStep = [&] {
        if (observed.empty())
            return;
        // The applier flushes its statistics when it goes idle after this call.
        applier.exec("SELECT pg_stat_force_next_flush()");
        auto& o = observed.back();
        o.end_ms = msSince(epoch);
        o.nodes_after = relfilenodes(obs, staged.schema);
        o.stats_after = tupleStats(obs, staged.schema);
    };
    ApplyOptions ao = options.apply;
    ao.progress = [&](const std::string& m) { say(staged.slug + ": " + m); };
    ao.database_url = app_.config().migration_database_url;
    ao.before_step = [&](const Step&) {
        closeStep();
        StepObs o;
        o.nodes_before =
            observed.empty() ? relfilenodes(obs, staged.schema) : observed.back().nodes_after;
        o.stats_before =
            observed.empty() ? tupleStats(obs, staged.schema) : observed.back().stats_after;
        o.start_ms = msSince(epoch);
        observed.push_back(std::move(o));
        int step = static_cast<int>(observed.size()) - 1;
        sampler.setStep(step);
        reader.setStep(step);
        writer.setStep(step);
    };
    auto result = OnlineApplier(applier, ao).apply(staged.schema, staging_pending);
    closeStep();
    sampler.setStep(-1);
    reader.setStep(-1);
    writer.setStep(-1);
    sampler.stop();
    reader.stop();
    writer.stop();
    report["samples"] = sampler.samples();
    report["probes"] = reader.probes() + writer.probes();
    for (const auto* err : {&sampler.error(), &reader.error(), &writer.error()})
        if (!err->empty())
            report["observer_errors"].push_back(*err);

    std::vector<LockWait> waits = sampler.waits();
    waits.insert(waits.end(), reader.waits().begin(), reader.waits().end());
    waits.insert(waits.end(), writer.waits().begin(), writer.waits().end());

    for (size_t i = 0; i < result.steps.size() && i < observed.size(); ++i) {
        const auto& r = result.steps[i];
        const auto& o = observed[i];
        const Step* step = nullptr;
        for (const auto& s : staging_pending)
            if (s.name == r.step)
                step = &s;
        json sj = r.toJson();
        sj["checksum"] = step ? step->checksum : "";
        sj["phase"] = step ? step->phase : "expand";
        sj["transactional"] = step ? step->transactional : true;
        sj["start_ms"] = o.start_ms;
        sj["end_ms"] = o.end_ms;

        std::set<std::string> touched;
        json locks = json::array();
        std::vector<LockSpan> spans;
        for (const auto& s : sampler.spans())
            if (s.step == static_cast<int>(i))
                spans.push_back(s);
        std::sort(spans.begin(), spans.end(),
                  [](const auto& a, const auto& b) { return a.first_ms < b.first_ms; });
        for (const auto& s : spans) {
            locks.push_back({{"relation", s.relation},
                             {"mode", s.mode},
                             {"first_ms", s.first_ms},
                             {"last_ms", s.last_ms},
                             {"held_ms", s.last_ms - s.first_ms}});
            touched.insert(s.relation);
        }
        sj["locks"] = locks;

        int64_t max_wait = 0;
        json max_wait_json = nullptr;
        int64_t applier_waited = 0;
        // Every wait of the step, longest first (a timeline shows them; the page keeps 200).
        std::vector<const LockWait*> step_waits;
        for (const auto& w : waits)
            if (w.step == static_cast<int>(i))
                step_waits.push_back(&w);
        std::sort(step_waits.begin(), step_waits.end(),
                  [](const auto* a, const auto* b) { return a->wait_ms > b->wait_ms; });
        json waits_json = json::array();
        for (const auto* w : step_waits) {
            if (waits_json.size() >= 200)
                break;
            waits_json.push_back({{"who", w->who},
                                  {"relation", w->relation},
                                  {"mode", w->mode},
                                  {"wait_ms", w->wait_ms},
                                  {"end_ms", w->end_ms}});
        }
        sj["waits"] = waits_json;
        for (const auto& w : waits) {
            if (w.step != static_cast<int>(i))
                continue;
            if (w.who == "applier") {
                applier_waited = std::max(applier_waited, w.wait_ms);
                continue;
            }
            if (w.wait_ms > max_wait) {
                max_wait = w.wait_ms;
                max_wait_json = {{"relation", w.relation},
                                 {"mode", w.mode},
                                 {"who", w.who},
                                 {"wait_ms", w.wait_ms},
                                 {"end_ms", w.end_ms}};
            }
        }
        sj["max_wait_ms"] = max_wait;
        sj["max_wait"] = max_wait_json;
        sj["applier_waited_ms"] = applier_waited;

        json rewritten = json::array(), rebuilt = json::array(), created = json::array();
        for (const auto& [name, after] : o.nodes_after) {
            auto it = o.nodes_before.find(name);
            if (it == o.nodes_before.end()) {
                created.push_back(name);
            } else if (it->second.node != after.node) {
                if (after.kind == 'i') {
                    rebuilt.push_back(name);
                } else {
                    rewritten.push_back(name);
                    touched.insert(name);
                }
            }
        }
        sj["rewritten"] = rewritten;
        sj["rebuilt_indexes"] = rebuilt;
        sj["created"] = created;

        TupleStats total;
        json per_table = json::object();
        for (const auto& [name, after] : o.stats_after) {
            TupleStats before;
            if (auto it = o.stats_before.find(name); it != o.stats_before.end())
                before = it->second;
            TupleStats d{after.ins - before.ins, after.upd - before.upd, after.del - before.del};
            if (d.ins == 0 && d.upd == 0 && d.del == 0)
                continue;
            per_table[name] = {{"inserted", d.ins}, {"updated", d.upd}, {"deleted", d.del}};
            total.ins += d.ins;
            total.upd += d.upd;
            total.del += d.del;
            touched.insert(name);
        }
        sj["rows"] = {{"inserted", total.ins},
                      {"updated", total.upd},
                      {"deleted", total.del},
                      {"tables", per_table}};

        // Production estimate: this step's time scaled by how much bigger production's copies
        // of the touched tables are than staging's (1 when nothing existing was touched) — by
        // live rows, or by bytes when the statistics know no rows yet.
        auto ratio = [&](const std::map<std::string, int64_t>& prod,
                         const std::map<std::string, int64_t>& staging) {
            int64_t tp = 0, ts = 0;
            for (const auto& t : touched) {
                auto p = prod.find(t);
                auto s = staging.find(t);
                if (p != prod.end() && s != staging.end()) {
                    tp += p->second;
                    ts += s->second;
                }
            }
            return (tp > 0 && ts > 0) ? static_cast<double>(tp) / static_cast<double>(ts) : 0.0;
        };
        double scale = ratio(prod_rows, staging_rows);
        sj["scale_basis"] = "rows";
        if (scale == 0.0) {
            scale = ratio(prod_sizes, staging_sizes);
            sj["scale_basis"] = "bytes";
        }
        if (scale == 0.0)
            scale = 1.0;
        sj["touched"] = touched;
        sj["scale"] = scale;
        sj["estimated_prod_ms"] =
            static_cast<int64_t>(static_cast<double>(r.duration_ms) * scale + 0.5);
        report["steps"].push_back(std::move(sj));
    }
    report["ok"] = result.ok;
    if (!result.ok)
        report["error"] = result.error;
    report["total_ms"] = msSince(total_start);

    // One ledger row per step: what `migrate apply` looks for before touching production.
    for (const auto& sj : report["steps"]) {
        json stored = sj;
        stored["tenant"] = slug;
        stored["staging"] = staged.slug;
        stored["rehearsal_started_at"] = report["started_at"];
        stored["table_bytes"] = prod_bytes;
        stored["staging_bytes"] = staging_bytes;
        obs.q(
            "INSERT INTO network.rehearsals (target, staging_target, step, checksum, ok, "
            "report, table_bytes) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)",
            target->schema, staged.schema, sj["step"].get<std::string>(),
            sj["checksum"].get<std::string>(), sj["ok"].get<bool>(), stored.dump(),
            static_cast<long long>(prod_bytes));
    }
    return report;
}

std::string Rehearsal::render(const json& report, int width) {
    std::ostringstream out;
    out << "Rehearsal of " << report.value("tenant", "?");
    if (!report.contains("staging")) {
        out << ": " << report.value("note", "nothing to do") << "\n";
        return out.str();
    }
    out << " on " << report["staging"].get<std::string>() << " (copied in "
        << human(report.value("stage_ms", 0)) << "; production "
        << bytes(report.value("table_bytes", int64_t{0})) << ", staging "
        << bytes(report.value("staging_bytes", int64_t{0})) << ")\n\n";

    out << pad("STEP", 30) << pad("RESULT", 8) << pad("TIME", 10) << pad("EST. PROD", 11)
        << pad("REWRITTEN", 16) << pad("ROWS ins/upd/del", 20) << "LONGEST WAIT\n";
    for (const auto& s : report["steps"]) {
        std::string rewritten;
        for (const auto& t : s["rewritten"])
            rewritten += (rewritten.empty() ? "" : ",") + t.get<std::string>();
        const auto& rows = s["rows"];
        std::string rows_s = std::to_string(rows["inserted"].get<int64_t>()) + "/" +
                             std::to_string(rows["updated"].get<int64_t>()) + "/" +
                             std::to_string(rows["deleted"].get<int64_t>());
        std::string wait = human(s["max_wait_ms"].get<int64_t>());
        if (!s["max_wait"].is_null())
            wait += " (" + s["max_wait"]["who"].get<std::string>() + ", " +
                    s["max_wait"]["relation"].get<std::string>() + ")";
        std::string result = s["ok"].get<bool>() ? "ok" : "FAILED";
        if (s.value("lock_timeouts", 0) > 0)
            result += "*";
        out << pad(s["step"].get<std::string>(), 30) << pad(result, 8)
            << pad(human(s["duration_ms"].get<int64_t>()), 10)
            << pad(human(s["estimated_prod_ms"].get<int64_t>()), 11)
            << pad(rewritten.empty() ? "-" : rewritten, 16) << pad(rows_s, 20) << wait << "\n";
    }
    for (const auto& s : report["steps"]) {
        if (s.value("lock_timeouts", 0) > 0)
            out << "* " << s["step"].get<std::string>() << ": " << s["lock_timeouts"].get<int>()
                << " lock timeout(s), retried\n";
        if (!s["ok"].get<bool>())
            out << "! " << s["step"].get<std::string>() << ": " << s.value("error", "") << "\n";
    }

    // Timeline: one row per step, one per lock it held, on a shared time axis.
    int64_t end = 1;
    for (const auto& s : report["steps"])
        end = std::max(end, s["end_ms"].get<int64_t>());
    double per_col = static_cast<double>(end) / width;
    auto bar = [&](int64_t from, int64_t to, char c) {
        std::string line(static_cast<size_t>(width), ' ');
        int a = static_cast<int>(static_cast<double>(from) / per_col);
        int b = static_cast<int>(static_cast<double>(to) / per_col);
        a = std::clamp(a, 0, width - 1);
        b = std::clamp(b, a, width - 1);
        for (int i = a; i <= b; ++i)
            line[static_cast<size_t>(i)] = c;
        return "|" + line + "|";
    };
    out << "\nTimeline (0 to " << human(end)
        << ", one column = " << human(static_cast<int64_t>(per_col + 0.5)) << "):\n";
    for (const auto& s : report["steps"]) {
        out << "  " << pad(s["step"].get<std::string>(), 36)
            << bar(s["start_ms"].get<int64_t>(), s["end_ms"].get<int64_t>(), '#') << " "
            << human(s["duration_ms"].get<int64_t>()) << "\n";
        for (const auto& l : s["locks"]) {
            std::string label =
                l["relation"].get<std::string>() + " " + l["mode"].get<std::string>();
            out << "    " << pad(label, 34)
                << bar(l["first_ms"].get<int64_t>(), l["last_ms"].get<int64_t>(), '=') << "\n";
        }
        if (s["max_wait_ms"].get<int64_t>() > 0) {
            int64_t w = s["max_wait_ms"].get<int64_t>();
            int64_t to = std::min(s["end_ms"].get<int64_t>(), s["start_ms"].get<int64_t>() + w);
            out << "    " << pad("others waited", 34) << bar(s["start_ms"].get<int64_t>(), to, '!')
                << " " << human(w) << "\n";
        }
    }
    out << "\n"
        << (report.value("ok", false) ? "ok" : "FAILED: " + report.value("error", "")) << " in "
        << human(report.value("total_ms", int64_t{0})) << "\n";
    return out.str();
}

}  // namespace agora::migrate
