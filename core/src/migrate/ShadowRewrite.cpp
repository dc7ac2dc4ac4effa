#include "migrate/ShadowRewrite.h"

#include <chrono>
#include <optional>
#include <thread>

#include "migrate/OnlineApplier.h"
#include "tenancy/TenantRoles.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int64_t msSince(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

struct Column {
    std::string name;  // quoted
    std::string type;  // the shadow's type (format_type)
    bool always_identity = false;
};

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : sep) + p;
    return out;
}

// The SQL the engine needs, built once from the table's primary key and columns.
struct Plan {
    std::string orig, shadow, capture, dirty, keys;
    std::vector<Column> pk;    // primary key columns, shadow types
    std::vector<Column> cols;  // columns both tables have and the shadow accepts on insert

    std::string pkList(const std::string& alias = "") const {
        std::vector<std::string> p;
        for (const auto& c : pk)
            p.push_back((alias.empty() ? "" : alias + ".") + c.name);
        return join(p, ", ");
    }
    std::string pkRow(const std::string& alias) const { return "(" + pkList(alias) + ")"; }
    std::string pkEq(const std::string& a, const std::string& b) const {
        std::vector<std::string> p;
        for (const auto& c : pk)
            p.push_back(a + "." + c.name + " = " + b + "." + c.name);
        return join(p, " AND ");
    }
    // ($first::type, ...) for a key passed as text parameters.
    std::string pkParams(int first) const {
        std::vector<std::string> p;
        for (size_t i = 0; i < pk.size(); ++i)
            p.push_back("$" + std::to_string(first + static_cast<int>(i)) + "::" + pk[i].type);
        return "(" + join(p, ", ") + ")";
    }
    std::string colList(const std::string& alias = "") const {
        std::vector<std::string> p;
        for (const auto& c : cols)
            p.push_back((alias.empty() ? "" : alias + ".") + c.name);
        return join(p, ", ");
    }
    // Row text as the shadow's types see it: the original's values cast like the copy casts.
    std::string rowText(const std::string& alias, bool cast) const {
        std::vector<std::string> p;
        for (const auto& c : cols)
            p.push_back(alias + "." + c.name + (cast ? "::" + c.type : ""));
        return "md5(ROW(" + join(p, ", ") + ")::text)";
    }
    std::string checksum(const std::string& table, const std::string& alias, bool cast,
                         const std::string& where) const {
        return "(SELECT md5(coalesce(string_agg(" + rowText(alias, cast) + ", '' ORDER BY " +
               pkList(alias) + "), '')) || ':' || count(*) FROM " + table + " " + alias +
               (where.empty() ? "" : " WHERE " + where) + ")";
    }
    std::string upsertSet() const {
        std::vector<std::string> p;
        for (const auto& c : cols) {
            bool in_pk = false;
            for (const auto& k : pk)
                in_pk = in_pk || k.name == c.name;
            if (!in_pk && !c.always_identity)
                p.push_back(c.name + " = excluded." + c.name);
        }
        return p.empty() ? "DO NOTHING" : "DO UPDATE SET " + join(p, ", ");
    }
};

std::vector<std::string> keyParams(const db::PgResult& r, int row, size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
        out.push_back(r.str(row, static_cast<int>(i)));
    return out;
}

db::Params toParams(const std::vector<std::string>& a, const std::vector<std::string>& b = {}) {
    db::Params p;
    for (const auto& v : a)
        p.push_back(v);
    for (const auto& v : b)
        p.push_back(v);
    return p;
}

// lock_timeout fired, or chosen as a deadlock victim: nothing is left behind once the
// transaction rolls back, so trying again later is safe.
bool retryable(const db::PgError& e) {
    return dynamic_cast<const db::LockNotAvailable*>(&e) ||
           dynamic_cast<const db::DeadlockDetected*>(&e);
}

}  // namespace

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
            if (!retryable(e) || attempt >= 8)
                throw;
            std::this_thread::sleep_for(
                std::chrono::milliseconds(OnlineApplier::backoffMs(attempt + 1, 100, 5000)));
        }
    }
}

ShadowResult ShadowRewrite::run(const ShadowOptions& o) {
    auto total_start = Clock::now();
    auto say = [&](const std::string& m) {
        if (o.progress)
            o.progress(table_ + ": " + m);
    };
    ShadowResult res;
    db::PgConnection c(url_);
    const std::string sh = shadowSchema(schema_);
    Plan p;
    p.orig = c.quoteIdent(schema_) + "." + c.quoteIdent(table_);
    p.shadow = c.quoteIdent(sh) + "." + c.quoteIdent(table_);
    p.capture = c.quoteIdent(sh) + ".capture";
    p.dirty = c.quoteIdent(sh) + ".dirty";
    p.keys = "pg_temp.agora_keys";

    auto oid = c.q("SELECT to_regclass($1)::oid", p.orig);
    if (oid.isNull(0, 0))
        throw Error::notFound("no table " + schema_ + "." + table_);
    std::string orig_oid = oid.str(0, 0);
    if (!c.q("SELECT 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
             "WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = $1::oid "
             "AND r.ev_class <> $1::oid",
             orig_oid)
             .empty())
        throw Error::invalid("table", table_ + " has dependent views; drop or change them first");
    if (!c.q("SELECT 1 FROM pg_inherits WHERE inhparent = $1::oid OR inhrelid = $1::oid", orig_oid)
             .empty())
        throw Error::invalid("table", table_ + " is partitioned or inherited; not supported");

    res.cleaned_leftovers = cleanup(c, schema_, table_, o.max_lock_ms);
    if (res.cleaned_leftovers)
        say("removed the leftovers of an interrupted run");

    // Any failure removes what this run created. Before the swap commits the table is as it
    // was; after it, only the capture leftovers remain to be dropped.
    bool swapped = false;
    try {
        // 1. The shadow, with the step applied to it while it is empty.
        c.exec("CREATE SCHEMA " + c.quoteIdent(sh) + "; CREATE TABLE " + p.shadow + " (LIKE " +
               p.orig + " INCLUDING ALL)");
        c.exec("SET search_path TO " + c.quoteIdent(sh) + ", " + c.quoteIdent(schema_) +
               ", public");
        c.forgetSchema();
        for (const auto& sql : statements_)
            c.exec(sql);
        c.exec("RESET search_path");
        if (c.q("SELECT to_regclass($1)", p.shadow).isNull(0, 0))
            throw Error::invalid("sql", "the step renamed or dropped " + table_ +
                                            "; a shadow rewrite must keep the table");

        auto pk = c.q(
            "SELECT quote_ident(a.attname), format_type(sa.atttypid, sa.atttypmod) "
            "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "JOIN pg_attribute sa ON sa.attrelid = to_regclass($2) AND sa.attname = a.attname "
            "WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
            orig_oid, p.shadow);
        if (pk.empty()) {
            cleanup(c, schema_, table_, o.max_lock_ms);
            throw Error::invalid("table",
                                 table_ + " has no primary key; a shadow rewrite needs one");
        }
        for (int i = 0; i < pk.rows(); ++i)
            p.pk.push_back({pk.str(i, 0), pk.str(i, 1), false});
        auto cols =
            c.q("SELECT quote_ident(s.attname), format_type(s.atttypid, s.atttypmod), "
                "       s.attidentity = 'a' "
                "FROM pg_attribute s JOIN pg_attribute o ON o.attrelid = $1::oid AND o.attname = "
                "s.attname AND o.attnum > 0 AND NOT o.attisdropped "
                "WHERE s.attrelid = to_regclass($2) AND s.attnum > 0 AND NOT s.attisdropped "
                "  AND s.attgenerated = '' ORDER BY s.attnum",
                orig_oid, p.shadow);
        for (int i = 0; i < cols.rows(); ++i)
            p.cols.push_back({cols.str(i, 0), cols.str(i, 1), cols.boolean(i, 2)});

        // 2. Capture before the snapshot: every change from here on leaves its key behind.
        std::vector<std::string> pk_defs;
        for (const auto& k : p.pk)
            pk_defs.push_back(k.name + " " + k.type);
        c.exec("CREATE TABLE " + p.capture + " (seq bigserial PRIMARY KEY, " + join(pk_defs, ", ") +
               "); CREATE TABLE " + p.dirty + " (" + join(pk_defs, ", ") + ")");
        std::vector<std::string> old_vals, new_vals;
        for (const auto& k : p.pk) {
            old_vals.push_back("OLD." + k.name);
            new_vals.push_back("NEW." + k.name);
        }
        std::string ins = "INSERT INTO " + p.capture + " (" + p.pkList() + ") VALUES ";
        c.exec(
            "CREATE FUNCTION " + c.quoteIdent(sh) +
            ".capture() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN "
            "IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (" +
            join(old_vals, ", ") + ") IS DISTINCT FROM (" + join(new_vals, ", ") + ")) THEN " +
            ins + "(" + join(old_vals, ", ") +
            "); END IF; "
            "IF TG_OP <> 'DELETE' THEN " +
            ins + "(" + join(new_vals, ", ") +
            "); END IF; RETURN NULL; END $fn$;"
            "CREATE FUNCTION " +
            c.quoteIdent(sh) +
            ".no_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN "
            "RAISE EXCEPTION 'TRUNCATE is refused while the table is rewritten online'; END $fn$");
        for (int attempt = 1;; ++attempt) {
            try {
                db::Transaction tx(c);
                c.exec("SET LOCAL lock_timeout = " + std::to_string(o.max_lock_ms));
                c.exec("CREATE TRIGGER agora_capture AFTER INSERT OR UPDATE OR DELETE ON " +
                       p.orig + " FOR EACH ROW EXECUTE FUNCTION " + c.quoteIdent(sh) +
                       ".capture(); CREATE TRIGGER agora_no_truncate BEFORE TRUNCATE ON " + p.orig +
                       " FOR EACH STATEMENT EXECUTE FUNCTION " + c.quoteIdent(sh) +
                       ".no_truncate()");
                tx.commit();
                break;
            } catch (const db::PgError& e) {
                if (!retryable(e) || attempt >= o.max_attempts)
                    throw;
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(OnlineApplier::backoffMs(attempt + 1, 100, 5000)));
            }
        }

        // 3. Batched copy, every batch in the exported snapshot.
        auto copy_start = Clock::now();
        say("copying");
        {
            db::PgConnection exporter(url_);
            db::Transaction snap(exporter, "BEGIN ISOLATION LEVEL REPEATABLE READ");
            std::string snapshot = exporter.q("SELECT pg_export_snapshot()").str(0, 0);
            // Changes the snapshot already contains need no replay.
            exporter.exec("DELETE FROM " + p.capture);
            std::string insert = "INSERT INTO " + p.shadow + " (" + p.colList() +
                                 ") OVERRIDING SYSTEM VALUE SELECT " + p.colList("o") + " FROM " +
                                 p.orig + " o";
            std::string tail = " ORDER BY " + p.pkList("o") + " LIMIT " +
                               std::to_string(o.batch_rows) + " RETURNING " + p.pkList();
            std::string last_sql = "), last AS (SELECT " + p.pkList() + " FROM ins ORDER BY ";
            std::vector<std::string> desc;
            for (const auto& k : p.pk)
                desc.push_back(k.name + " DESC");
            last_sql += join(desc, ", ") + " LIMIT 1) SELECT " + p.pkList() +
                        ", (SELECT count(*) FROM ins) FROM last";
            std::vector<std::string> after;
            for (;;) {
                db::Transaction tx(c, "BEGIN ISOLATION LEVEL REPEATABLE READ");
                c.exec("SET TRANSACTION SNAPSHOT " + c.quoteLiteral(snapshot));
                std::string sql =
                    "WITH ins AS (" + insert +
                    (after.empty() ? "" : " WHERE " + p.pkRow("o") + " > " + p.pkParams(1)) + tail +
                    last_sql;
                auto r = c.execParams(sql, toParams(after));
                tx.commit();
                if (r.empty())
                    break;
                int64_t n = r.i64(0, static_cast<int>(p.pk.size()));
                res.rows_copied += n;
                after = keyParams(r, 0, p.pk.size());
                if (o.after_batch)
                    o.after_batch(res.rows_copied);
                if (n < o.batch_rows)
                    break;
            }
            snap.commit();
        }
        res.copy_ms = msSince(copy_start);
        say("copied " + std::to_string(res.rows_copied) + " rows in " +
            std::to_string(res.copy_ms) + " ms");

        // 4. Replay rounds. Keys go through a temporary table so the delete-then-insert fallback
        // (for a unique index other than the key, where upsert order can collide) sees them twice.
        c.exec("CREATE TEMP TABLE IF NOT EXISTS agora_keys AS SELECT * FROM " + p.capture +
               " WITH NO DATA");
        bool track_dirty = false;
        // `inside`: already in the caller's transaction (the swap), else one of its own.
        auto round = [&](int64_t limit, bool replace, bool inside = false) -> int64_t {
            std::optional<db::Transaction> tx;
            if (!inside)
                tx.emplace(c);
            c.exec("DELETE FROM " + p.keys);
            c.exec("WITH taken AS (DELETE FROM " + p.capture + " WHERE seq IN (SELECT seq FROM " +
                   p.capture + " ORDER BY seq" +
                   (limit > 0 ? " LIMIT " + std::to_string(limit) : "") + ") RETURNING *) " +
                   "INSERT INTO " + p.keys + " SELECT * FROM taken");
            std::string keys = "(SELECT DISTINCT " + p.pkList() + " FROM " + p.keys + ")";
            int64_t n = c.exec("SELECT count(*) FROM " + keys + " k").i64(0, 0);
            if (n == 0) {
                if (tx)
                    tx->commit();
                return 0;
            }
            if (replace) {
                c.exec("DELETE FROM " + p.shadow + " s USING " + keys + " k WHERE " +
                       p.pkEq("s", "k"));
                c.exec("INSERT INTO " + p.shadow + " (" + p.colList() +
                       ") OVERRIDING SYSTEM VALUE SELECT " + p.colList("o") + " FROM " + p.orig +
                       " o JOIN " + keys + " k ON " + p.pkEq("o", "k"));
            } else {
                c.exec("DELETE FROM " + p.shadow + " s USING " + keys + " k WHERE " +
                       p.pkEq("s", "k") + " AND NOT EXISTS (SELECT 1 FROM " + p.orig + " o WHERE " +
                       p.pkEq("o", "k") + ")");
                c.exec("INSERT INTO " + p.shadow + " AS s (" + p.colList() +
                       ") OVERRIDING SYSTEM VALUE SELECT " + p.colList("o") + " FROM " + p.orig +
                       " o JOIN " + keys + " k ON " + p.pkEq("o", "k") + " ON CONFLICT (" +
                       p.pkList() + ") " + p.upsertSet());
            }
            if (track_dirty)
                c.exec("INSERT INTO " + p.dirty + " SELECT * FROM " + keys + " k");
            if (tx)
                tx->commit();
            res.keys_replayed += n;
            ++res.replay_rounds;
            return n;
        };
        auto safeRound = [&](int64_t limit) -> int64_t {
            try {
                return round(limit, false);
            } catch (const db::UniqueViolation&) {
                // Another unique index: replace every pending key at once, in one snapshot.
                return round(0, true);
            }
        };
        auto backlog = [&] { return c.exec("SELECT count(*) FROM " + p.capture).i64(0, 0); };
        // Replays until at most `until` changes wait. `max_rounds` bounds a drain that only
        // tightens what is already correct: a writer that never pauses keeps a few changes
        // pending forever, and whatever is left is replayed and rechecked under the swap lock.
        auto drain = [&](int64_t until, int max_rounds = -1) {
            auto start = Clock::now();
            for (int rounds = 0; backlog() > until && rounds != max_rounds; ++rounds) {
                safeRound(o.batch_rows);
                if (msSince(start) > o.max_catchup_ms)
                    throw Error::unavailable("the change backlog of " + table_ +
                                             " does not drain (writes outpace the replay)");
            }
        };
        auto catchup_start = Clock::now();
        drain(o.drain_rows);
        res.catchup_ms = msSince(catchup_start);

        // 5. Checksums per key range while writers go on; differing ranges are caught up and
        // checked again. From here on every replayed key is remembered for the final check.
        auto verify_start = Clock::now();
        track_dirty = true;
        std::vector<std::vector<std::string>> bounds;
        {
            auto b = c.exec("SELECT " + p.pkList() + " FROM (SELECT " + p.pkList() +
                            ", row_number() OVER (ORDER BY " + p.pkList() + ") AS rn FROM " +
                            p.shadow + ") x WHERE rn % " + std::to_string(o.range_rows) +
                            " = 1 ORDER BY " + p.pkList());
            for (int i = 1; i < b.rows(); ++i)  // the first range is open below
                bounds.push_back(keyParams(b, i, p.pk.size()));
        }
        res.ranges = static_cast<int64_t>(bounds.size()) + 1;
        auto rangeWhere = [&](size_t i, const std::string& alias) {
            std::string lo = i == 0 ? "" : p.pkRow(alias) + " >= " + p.pkParams(1);
            std::string hi = i == bounds.size()
                                 ? ""
                                 : p.pkRow(alias) + " < " +
                                       p.pkParams(1 + (i == 0 ? 0 : static_cast<int>(p.pk.size())));
            return lo.empty() ? hi : hi.empty() ? lo : lo + " AND " + hi;
        };
        auto rangeParams = [&](size_t i) {
            std::vector<std::string> a = i == 0 ? std::vector<std::string>{} : bounds[i - 1];
            std::vector<std::string> b =
                i == bounds.size() ? std::vector<std::string>{} : bounds[i];
            return toParams(a, b);
        };
        auto rangeEqual = [&](size_t i) {
            auto r = c.execParams("SELECT " + p.checksum(p.orig, "o", true, rangeWhere(i, "o")) +
                                      " = " + p.checksum(p.shadow, "s", false, rangeWhere(i, "s")),
                                  rangeParams(i));
            return r.boolean(0, 0);
        };
        std::vector<size_t> differing;
        for (size_t i = 0; i <= bounds.size(); ++i)
            if (!rangeEqual(i))
                differing.push_back(i);
        for (int pass = 0; pass < 5 && !differing.empty(); ++pass) {
            drain(0, 20);
            std::vector<size_t> still;
            for (size_t i : differing) {
                ++res.ranges_rechecked;
                if (!rangeEqual(i))
                    still.push_back(i);
            }
            differing = std::move(still);
        }
        // Keys replayed since the pass above must be checked again under the lock. To keep that
        // short, compare them now and forget each key whose rows match (one statement, one
        // snapshot): a change committed later is captured, replayed and remembered again.
        const std::string dirty_keys = " IN (SELECT " + p.pkList() + " FROM " + p.dirty + ")";
        const std::string dirtyCheck =
            "SELECT " + p.checksum(p.orig, "o", true, p.pkRow("o") + dirty_keys) + " = " +
            p.checksum(p.shadow, "s", false, p.pkRow("s") + dirty_keys) +
            ", (SELECT count(DISTINCT " + p.pkRow("d") + ") FROM " + p.dirty + " d)";
        const std::string forgetMatching =
            "DELETE FROM " + p.dirty + " d WHERE (SELECT " + p.rowText("o", true) + " FROM " +
            p.orig + " o WHERE " + p.pkEq("o", "d") + ") IS NOT DISTINCT FROM (SELECT " +
            p.rowText("s", false) + " FROM " + p.shadow + " s WHERE " + p.pkEq("s", "d") + ")";
        for (int pass = 0; pass < 3; ++pass) {
            drain(o.drain_rows);
            c.exec(forgetMatching);
        }
        res.verify_ms = msSince(verify_start);
        drain(o.drain_rows);

        // 6. The swap: one short transaction under ACCESS EXCLUSIVE.
        say("swapping");
        for (int attempt = 1;; ++attempt) {
            res.swap_attempts = attempt;
            auto lock_start = Clock::now();
            std::vector<std::string> validate;
            try {
                db::Transaction tx(c);
                c.exec("SET LOCAL lock_timeout = " + std::to_string(o.max_lock_ms) +
                       "; SET LOCAL search_path TO " + c.quoteIdent(schema_) + ", public");
                c.exec("LOCK TABLE " + p.orig + " IN ACCESS EXCLUSIVE MODE");
                // No writer can add keys now: replay the rest, then check every key replayed since
                // the checksum pass and every range that still differed.
                for (;;) {
                    int64_t n = 0;
                    c.exec("SAVEPOINT replay");
                    try {
                        n = round(0, false, true);
                        c.exec("RELEASE SAVEPOINT replay");
                    } catch (const db::UniqueViolation&) {
                        c.exec("ROLLBACK TO SAVEPOINT replay");
                        n = round(0, true, true);
                    }
                    if (n == 0)
                        break;
                }
                auto dirty = c.exec(dirtyCheck);
                res.keys_rechecked = dirty.i64(0, 1);
                bool equal = dirty.boolean(0, 0);
                for (size_t i : differing)
                    equal = equal && rangeEqual(i);
                if (!equal) {
                    // Name the rows for whoever investigates (a full comparison, failure only).
                    auto diff = c.exec(
                        "WITH o AS (SELECT ROW(" + p.pkList("o") + ")::text AS k, " +
                        p.rowText("o", true) + " AS h FROM " + p.orig + " o), s AS (SELECT ROW(" +
                        p.pkList("s") + ")::text AS k, " + p.rowText("s", false) + " AS h FROM " +
                        p.shadow +
                        " s) SELECT count(*), left(string_agg(k, ' '), 200) FROM o FULL JOIN s "
                        "USING (k) WHERE o.h IS DISTINCT FROM s.h");
                    throw Error::internal("the shadow copy of " + table_ +
                                          " does not match the table (" + diff.str(0, 0) +
                                          " rows differ: " + diff.str(0, 1) +
                                          "); nothing was swapped");
                }

                // Sequences owned by the old table's columns would be dropped with it.
                auto owned = c.q(
                    "SELECT d.objid::regclass::text, quote_ident(a.attname) FROM pg_depend d "
                    "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                    "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                    "WHERE d.refobjid = $1::oid AND d.deptype = 'a'",
                    orig_oid);
                for (int i = 0; i < owned.rows(); ++i)
                    c.exec("ALTER SEQUENCE " + owned.str(i, 0) + " OWNED BY NONE");
                // Identity columns: the shadow's own sequences continue where the old ones were.
                auto ident =
                    c.q("SELECT quote_ident(a.attname), pg_get_serial_sequence($1, a.attname) FROM "
                        "pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attidentity <> '' "
                        "AND a.attnum > 0",
                        p.shadow);
                for (int i = 0; i < ident.rows(); ++i) {
                    auto old_seq =
                        c.q("SELECT pg_get_serial_sequence($1, $2)", p.orig, ident.str(i, 0));
                    if (old_seq.isNull(0, 0))
                        continue;
                    auto cur = c.exec("SELECT last_value, is_called FROM " + old_seq.str(0, 0));
                    c.q("SELECT setval($1::regclass, $2::bigint, $3::boolean)", ident.str(i, 1),
                        cur.str(0, 0), cur.str(0, 1));
                }
                // Foreign keys pointing here, and this table's own, re-created after the move.
                auto incoming =
                    c.q("SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), "
                        "quote_ident(conname), pg_get_constraintdef(k.oid), convalidated "
                        "FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid "
                        "JOIN pg_namespace n ON n.oid = r.relnamespace "
                        "WHERE confrelid = $1::oid AND conrelid <> $1::oid AND contype = 'f'",
                        orig_oid);
                auto outgoing =
                    c.q("SELECT quote_ident(conname), pg_get_constraintdef(oid), convalidated "
                        "FROM pg_constraint WHERE conrelid = $1::oid AND contype = 'f'",
                        orig_oid);
                auto triggers = c.q(
                    "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1::oid "
                    "AND NOT tgisinternal AND tgname NOT IN ('agora_capture', 'agora_no_truncate')",
                    orig_oid);
                auto old_indexes = c.q(
                    "SELECT c.relname, regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', "
                    "'') FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE i.indrelid = $1::oid",
                    orig_oid);
                for (int i = 0; i < incoming.rows(); ++i)
                    c.exec("ALTER TABLE " + incoming.str(i, 0) + " DROP CONSTRAINT " +
                           incoming.str(i, 1));
                c.exec("DROP TABLE " + p.orig);
                c.exec("ALTER TABLE " + p.shadow + " SET SCHEMA " + c.quoteIdent(schema_));
                // Indexes keep their names (later steps refer to them).
                auto new_indexes = c.q(
                    "SELECT quote_ident(c.relname), c.relname, regexp_replace(pg_get_indexdef("
                    "i.indexrelid), '^.* USING ', '') FROM pg_index i JOIN pg_class c ON c.oid = "
                    "i.indexrelid WHERE i.indrelid = to_regclass($1)",
                    p.orig);
                for (int i = 0; i < new_indexes.rows(); ++i)
                    for (int j = 0; j < old_indexes.rows(); ++j)
                        if (new_indexes.str(i, 2) == old_indexes.str(j, 1) &&
                            new_indexes.str(i, 1) != old_indexes.str(j, 0))
                            c.exec("ALTER INDEX " + c.quoteIdent(schema_) + "." +
                                   new_indexes.str(i, 0) + " RENAME TO " +
                                   c.quoteIdent(old_indexes.str(j, 0)));
                for (int i = 0; i < owned.rows(); ++i)
                    c.exec("ALTER SEQUENCE " + owned.str(i, 0) + " OWNED BY " + p.orig + "." +
                           owned.str(i, 1));
                auto addFk = [&](const std::string& table, const std::string& name, std::string def,
                                 bool validated) {
                    const std::string nv = " NOT VALID";
                    if (def.size() >= nv.size() &&
                        def.compare(def.size() - nv.size(), nv.size(), nv) == 0)
                        def.resize(def.size() - nv.size());
                    c.exec("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + def +
                           " NOT VALID");
                    if (validated)
                        validate.push_back("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name);
                };
                for (int i = 0; i < outgoing.rows(); ++i)
                    addFk(p.orig, outgoing.str(i, 0), outgoing.str(i, 1), outgoing.boolean(i, 2));
                for (int i = 0; i < incoming.rows(); ++i)
                    addFk(incoming.str(i, 0), incoming.str(i, 1), incoming.str(i, 2),
                          incoming.boolean(i, 3));
                for (int i = 0; i < triggers.rows(); ++i)
                    c.exec(triggers.str(i, 0));
                // The new table came from another schema: the tenant's role gets it in the same
                // commit, so no request ever meets a table it may not read.
                TenantRoles::ensure(c, schema_);
                tx.commit();
                swapped = true;
                res.lock_ms = msSince(lock_start);
            } catch (const db::PgError& e) {
                c.forgetSchema();
                if (!retryable(e) || attempt >= o.max_attempts) {
                    throw;
                }
                say("swap lock not granted (attempt " + std::to_string(attempt) + "), retrying");
                std::this_thread::sleep_for(
                    std::chrono::milliseconds(OnlineApplier::backoffMs(attempt + 1, 100, 5000)));
                drain(o.drain_rows);
                continue;
            }
            c.forgetSchema();
            // Validation scans without blocking writes. The swap is done: a constraint that
            // fails to validate stays NOT VALID (still enforced for new rows) and is reported.
            for (const auto& v : validate) {
                try {
                    c.exec(v);
                } catch (const db::PgError& e) {
                    res.warnings.push_back(v + ": " + e.what());
                    say("left NOT VALID: " + v + " (" + e.what() + ")");
                }
            }
            break;
        }
        c.exec("DROP SCHEMA " + c.quoteIdent(sh) + " CASCADE");
    } catch (const std::exception& e) {
        try {
            db::PgConnection again(url_);
            cleanup(again, schema_, table_, o.max_lock_ms);
        } catch (const std::exception&) {
            // The next run cleans up first.
        }
        // After the swap the step has happened: report trouble, don't make the ledger lie.
        if (!swapped)
            throw;
        res.warnings.push_back(std::string("after the swap: ") + e.what());
    }
    res.total_ms = msSince(total_start);
    say("swapped in " + std::to_string(res.lock_ms) + " ms under lock");
    return res;
}

}  // namespace agora::migrate
