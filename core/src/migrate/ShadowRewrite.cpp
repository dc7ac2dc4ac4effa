#include "migrate/ShadowRewrite.h"

#include <thread>

#include "migrate/OnlineApplier.h"
#include "migrate/ShadowRun.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;

namespace shadow {

int64_t msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : sep) + p;
    return out;
}

std::vector<std::string> keyParams(const db::PgResult& r, int row, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
        out.push_back(r.str(row, static_cast<int>(i)));
    return out;
}

db::Params toParams(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    db::Params p;
    for (const auto& v : a)
        p.push_back(v);
    for (const auto& v : b)
        p.push_back(v);
    return p;
}

bool retryable(const db::PgError& e) {
    return dynamic_cast<const db::LockNotAvailable*>(&e) ||
           dynamic_cast<const db::DeadlockDetected*>(&e);
}

void backoff(int attempt) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(OnlineApplier::backoffMs(attempt + 1, 100, 5000)));
}

ShadowRun::ShadowRun(const std::string& url, const std::string& schema, const std::string& table,
                     const ShadowOptions& options, ShadowResult& result)
    : url_(url),
      schema_(schema),
      table_(table),
      sh_(ShadowRewrite::shadowSchema(schema)),
      o_(options),
      res_(result),
      c_(url) {
    p_.orig = c_.quoteIdent(schema_) + "." + c_.quoteIdent(table_);
    p_.shadow = c_.quoteIdent(sh_) + "." + c_.quoteIdent(table_);
    p_.capture = c_.quoteIdent(sh_) + ".capture";
    p_.dirty = c_.quoteIdent(sh_) + ".dirty";
    p_.keys = "pg_temp.agora_keys";
}

void ShadowRun::say(const std::string& m) const {
    if (o_.progress)
        o_.progress(table_ + ": " + m);
}

void ShadowRun::check() {
    auto oid = c_.q("SELECT to_regclass($1)::oid", p_.orig);
    if (oid.isNull(0, 0))
        throw Error::notFound("no table " + schema_ + "." + table_);
    orig_oid_ = oid.str(0, 0);
    if (!c_.q("SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
              "WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = $1::oid "
              "AND r.ev_class <> $1::oid",
              orig_oid_)
             .empty())
        throw Error::invalid("table", table_ + " has dependent views; drop or change them first");
    if (!c_.q("SELECT 1 FROM pg_inherits WHERE inhparent = $1::oid OR inhrelid = $1::oid",
              orig_oid_)
             .empty())
        throw Error::invalid("table", table_ + " is partitioned or inherited; not supported");

    res_.cleaned_leftovers = ShadowRewrite::cleanup(c_, schema_, table_, o_.max_lock_ms);
    if (res_.cleaned_leftovers)
        say("removed the leftovers of an interrupted run");
}

}  // namespace shadow

json ShadowResult::toJson() const {
    return {{"rows_copied", rows_copied},
            {"keys_replayed", keys_replayed},
            {"replay_rounds", replay_rounds},
            {"ranges", ranges},
            {"ranges_rechecked", ranges_rechecked},
            {"keys_rechecked", keys_rechecked},
            {"swap_attempts", swap_attempts},
            {"warnings", warnings},
            {"cleaned_leftovers", cleaned_leftovers},
            {"copy_ms", copy_ms},
            {"catchup_ms", catchup_ms},
            {"verify_ms", verify_ms},
            {"lock_ms", lock_ms},
            {"total_ms", total_ms}};
}

bool ShadowRewrite::cleanup(db::PgConnection& c, const std::string& schema,
                            const std::string& table, int max_lock_ms) {
    std::string sh = shadowSchema(schema);
    if (c.q("SELECT 1 FROM pg_namespace WHERE nspname = $1", sh).empty())
        return false;
    // The capture trigger first (its function lives in the shadow schema); short lock waits.
    for (int attempt = 1;; ++attempt) {
        try {
            db::Transaction tx(c);
            c.exec("SET LOCAL lock_timeout = " + std::to_string(max_lock_ms));
            c.exec("DROP TRIGGER IF EXISTS agora_capture ON " + c.quoteIdent(schema) + "." +
                   c.quoteIdent(table) + "; DROP TRIGGER IF EXISTS agora_no_truncate ON " +
                   c.quoteIdent(schema) + "." + c.quoteIdent(table) + "; DROP SCHEMA " +
                   c.quoteIdent(sh) + " CASCADE");
            tx.commit();
            return true;
        } catch (const db::PgError& e) {
            if (!shadow::retryable(e) || attempt >= 8)
                throw;
            shadow::backoff(attempt);
        }
    }
}

ShadowResult ShadowRewrite::run(const ShadowOptions& o) {
    auto total_start = shadow::Clock::now();
    ShadowResult res;
    shadow::ShadowRun run(url_, schema_, table_, o, res);
    run.check();
    // Any failure removes what this run created. Before the swap commits the table is as it
    // was; after it, only the capture leftovers remain to be dropped.
    try {
        run.createShadow(statements_);
        run.installCapture();
        run.copyRows();
        run.catchUp();
        run.verify();
        run.swap();
    } catch (const std::exception& e) {
        try {
            db::PgConnection again(url_);
            cleanup(again, schema_, table_, o.max_lock_ms);
        } catch (const std::exception&) {
            // The next run cleans up first.
        }
        // After the swap the step has happened: report trouble, don't make the ledger lie.
        if (!run.swapped())
            throw;
        res.warnings.push_back(std::string("after the swap: ") + e.what());
    }
    res.total_ms = shadow::msSince(total_start);
    run.say("swapped in " + std::to_string(res.lock_ms) + " ms under lock");
    return res;
}

}  // namespace agora::migrate
