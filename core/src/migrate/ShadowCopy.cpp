// Phases 1-4 of a shadow rewrite: the shadow table, the capture trigger, the batched copy and
// the replay of captured changes.
#include <optional>

#include "migrate/ShadowRun.h"
#include "util/Error.h"

namespace agora::migrate::shadow {

void ShadowRun::createShadow(const std::vector<std::string>& statements) {
    c_.exec("CREATE SCHEMA " + c_.quoteIdent(sh_) + "; CREATE TABLE " + p_.shadow + " (LIKE " +
            p_.orig + " INCLUDING ALL)");
    c_.exec("SET search_path TO " + c_.quoteIdent(sh_) + ", " + c_.quoteIdent(schema_) +
            ", public");
    c_.forgetSchema();
    for (const auto& sql : statements)
        c_.exec(sql);
    c_.exec("RESET search_path");
    if (c_.q("SELECT to_regclass($1)", p_.shadow).isNull(0, 0))
        throw Error::invalid("sql", "the step renamed or dropped " + table_ +
                                        "; a shadow rewrite must keep the table");
    readColumns();
}

// The primary key (with the shadow's types) and the columns both tables have.
void ShadowRun::readColumns() {
    auto pk = c_.q(
        "SELECT quote_ident(a.attname), format_type(sa.atttypid, sa.atttypmod) "
        "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "JOIN pg_attribute sa ON sa.attrelid = to_regclass($2) AND sa.attname = a.attname "
        "WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY k.ord",
        orig_oid_, p_.shadow);
    if (pk.empty()) {
        ShadowRewrite::cleanup(c_, schema_, table_, o_.max_lock_ms);
        throw Error::invalid("table", table_ + " has no primary key; a shadow rewrite needs one");
    }
    for (int i = 0; i < pk.rows(); ++i)
        p_.pk.push_back({pk.str(i, 0), pk.str(i, 1), false});
    auto cols = c_.q(
        "SELECT quote_ident(s.attname), format_type(s.atttypid, s.atttypmod), "
        "       s.attidentity = 'a' "
        "FROM pg_attribute s JOIN pg_attribute o ON o.attrelid = $1::oid AND o.attname = "
        "s.attname AND o.attnum > 0 AND NOT o.attisdropped "
        "WHERE s.attrelid = to_regclass($2) AND s.attnum > 0 AND NOT s.attisdropped "
        "  AND s.attgenerated = '' ORDER BY s.attnum",
        orig_oid_, p_.shadow);
    for (int i = 0; i < cols.rows(); ++i)
        p_.cols.push_back({cols.str(i, 0), cols.str(i, 1), cols.boolean(i, 2)});
}

void ShadowRun::installCapture() {
    createCaptureFunctions();
    createTriggers();
}

void ShadowRun::createCaptureFunctions() {
    std::vector<std::string> pk_defs;
    for (const auto& k : p_.pk)
        pk_defs.push_back(k.name + " " + k.type);
    c_.exec("CREATE TABLE " + p_.capture + " (seq bigserial PRIMARY KEY, " + join(pk_defs, ", ") +
            "); CREATE TABLE " + p_.dirty + " (" + join(pk_defs, ", ") + ")");
    std::vector<std::string> old_vals, new_vals;
    for (const auto& k : p_.pk) {
        old_vals.push_back("OLD." + k.name);
        new_vals.push_back("NEW." + k.name);
    }
    std::string ins = "INSERT INTO " + p_.capture + " (" + p_.pkList() + ") VALUES ";
    c_.exec("CREATE FUNCTION " + c_.quoteIdent(sh_) +
            ".capture() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN "
            "IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (" +
            join(old_vals, ", ") + ") IS DISTINCT FROM (" + join(new_vals, ", ") + ")) THEN " +
            ins + "(" + join(old_vals, ", ") +
            "); END IF; "
            "IF TG_OP <> 'DELETE' THEN " +
            ins + "(" + join(new_vals, ", ") +
            "); END IF; RETURN NULL; END $fn$;"
            "CREATE FUNCTION " +
            c_.quoteIdent(sh_) +
            ".no_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN "
            "RAISE EXCEPTION 'TRUNCATE is refused while the table is rewritten online'; END $fn$");
}

void ShadowRun::createTriggers() {
    for (int attempt = 1;; ++attempt) {
        try {
            db::Transaction tx(c_);
            c_.exec("SET LOCAL lock_timeout = " + std::to_string(o_.max_lock_ms));
            c_.exec("CREATE TRIGGER agora_capture AFTER INSERT OR UPDATE OR DELETE ON " + p_.orig +
                    " FOR EACH ROW EXECUTE FUNCTION " + c_.quoteIdent(sh_) +
                    ".capture(); CREATE TRIGGER agora_no_truncate BEFORE TRUNCATE ON " + p_.orig +
                    " FOR EACH STATEMENT EXECUTE FUNCTION " + c_.quoteIdent(sh_) +
                    ".no_truncate()");
            tx.commit();
            return;
        } catch (const db::PgError& e) {
            if (!retryable(e) || attempt >= o_.max_attempts)
                throw;
            backoff(attempt);
        }
    }
}

void ShadowRun::copyRows() {
    auto copy_start = Clock::now();
    say("copying");
    {
        db::PgConnection exporter(url_);
        db::Transaction snap(exporter, "BEGIN ISOLATION LEVEL REPEATABLE READ");
        std::string snapshot = exporter.q("SELECT pg_export_snapshot()").str(0, 0);
        // Changes the snapshot already contains need no replay.
        exporter.exec("DELETE FROM " + p_.capture);
        copyBatches(snapshot);
        snap.commit();
    }
    res_.copy_ms = msSince(copy_start);
    say("copied " + std::to_string(res_.rows_copied) + " rows in " + std::to_string(res_.copy_ms) +
        " ms");
}

void ShadowRun::copyBatches(const std::string& snapshot) {
    std::string insert = "INSERT INTO " + p_.shadow + " (" + p_.colList() +
                         ") OVERRIDING SYSTEM VALUE SELECT " + p_.colList("o") + " FROM " +
                         p_.orig + " o";
    std::string tail = " ORDER BY " + p_.pkList("o") + " LIMIT " + std::to_string(o_.batch_rows) +
                       " RETURNING " + p_.pkList();
    std::string last_sql = "), last AS (SELECT " + p_.pkList() + " FROM ins ORDER BY ";
    std::vector<std::string> desc;
    for (const auto& k : p_.pk)
        desc.push_back(k.name + " DESC");
    last_sql += join(desc, ", ") + " LIMIT 1) SELECT " + p_.pkList() +
                ", (SELECT count(*) FROM ins) FROM last";
    std::vector<std::string> after;
    for (;;) {
        db::Transaction tx(c_, "BEGIN ISOLATION LEVEL REPEATABLE READ");
        c_.exec("SET TRANSACTION SNAPSHOT " + c_.quoteLiteral(snapshot));
        std::string sql =
            "WITH ins AS (" + insert +
            (after.empty() ? "" : " WHERE " + p_.pkRow("o") + " > " + p_.pkParams(1)) + tail +
            last_sql;
        auto r = c_.execParams(sql, toParams(after));
        tx.commit();
        if (r.empty())
            break;
        int64_t n = r.i64(0, static_cast<int>(p_.pk.size()));
        res_.rows_copied += n;
        after = keyParams(r, 0, p_.pk.size());
        if (o_.after_batch)
            o_.after_batch(res_.rows_copied);
        if (n < o_.batch_rows)
            break;
    }
}

// One replay round: takes up to `limit` captured keys (0: all) and makes the shadow's rows equal
// to the table's. `replace`: delete and insert (another unique index may make upserts collide).
// `inside`: already in the caller's transaction (the swap), else one of its own.
int64_t ShadowRun::replayRound(int64_t limit, bool replace, bool inside) {
    std::optional<db::Transaction> tx;
    if (!inside)
        tx.emplace(c_);
    c_.exec("DELETE FROM " + p_.keys);
    c_.exec("WITH taken AS (DELETE FROM " + p_.capture + " WHERE seq IN (SELECT seq FROM " +
            p_.capture + " ORDER BY seq" + (limit > 0 ? " LIMIT " + std::to_string(limit) : "") +
            ") RETURNING *) " + "INSERT INTO " + p_.keys + " SELECT * FROM taken");
    std::string keys = "(SELECT DISTINCT " + p_.pkList() + " FROM " + p_.keys + ")";
    int64_t n = c_.exec("SELECT count(*) FROM " + keys + " k").i64(0, 0);
    if (n == 0) {
        if (tx)
            tx->commit();
        return 0;
    }
    if (replace) {
        c_.exec("DELETE FROM " + p_.shadow + " s USING " + keys + " k WHERE " + p_.pkEq("s", "k"));
        c_.exec("INSERT INTO " + p_.shadow + " (" + p_.colList() +
                ") OVERRIDING SYSTEM VALUE SELECT " + p_.colList("o") + " FROM " + p_.orig +
                " o JOIN " + keys + " k ON " + p_.pkEq("o", "k"));
    } else {
        c_.exec("DELETE FROM " + p_.shadow + " s USING " + keys + " k WHERE " + p_.pkEq("s", "k") +
                " AND NOT EXISTS (SELECT 1 FROM " + p_.orig + " o WHERE " + p_.pkEq("o", "k") +
                ")");
        c_.exec("INSERT INTO " + p_.shadow + " AS s (" + p_.colList() +
                ") OVERRIDING SYSTEM VALUE SELECT " + p_.colList("o") + " FROM " + p_.orig +
                " o JOIN " + keys + " k ON " + p_.pkEq("o", "k") + " ON CONFLICT (" + p_.pkList() +
                ") " + p_.upsertSet());
    }
    if (track_dirty_)
        c_.exec("INSERT INTO " + p_.dirty + " SELECT * FROM " + keys + " k");
    if (tx)
        tx->commit();
    res_.keys_replayed += n;
    ++res_.replay_rounds;
    return n;
}

int64_t ShadowRun::safeRound(int64_t limit) {
    try {
        return replayRound(limit, false);
    } catch (const db::UniqueViolation&) {
        // Another unique index: replace every pending key at once, in one snapshot.
        return replayRound(0, true);
    }
}

int64_t ShadowRun::backlog() {
    return c_.exec("SELECT count(*) FROM " + p_.capture).i64(0, 0);
}

// Replays until at most `until` changes wait. `max_rounds` bounds a drain that only tightens
// what is already correct: a writer that never pauses keeps a few changes pending forever, and
// whatever is left is replayed and rechecked under the swap lock.
void ShadowRun::drain(int64_t until, int max_rounds) {
    auto start = Clock::now();
    for (int rounds = 0; backlog() > until && rounds != max_rounds; ++rounds) {
        safeRound(o_.batch_rows);
        if (msSince(start) > o_.max_catchup_ms)
            throw Error::unavailable("the change backlog of " + table_ +
                                     " does not drain (writes outpace the replay)");
    }
}

void ShadowRun::catchUp() {
    // Keys go through a temporary table so the delete-then-insert fallback (for a unique index
    // other than the key, where upsert order can collide) sees them twice.
    c_.exec("CREATE TEMP TABLE IF NOT EXISTS agora_keys AS SELECT * FROM " + p_.capture +
            " WITH NO DATA");
    auto catchup_start = Clock::now();
    drain(o_.drain_rows);
    res_.catchup_ms = msSince(catchup_start);
}

}  // namespace agora::migrate::shadow
