// Phase 6 of a shadow rewrite: the swap, in one short transaction under ACCESS EXCLUSIVE.
#include "migrate/ShadowRun.h"
#include "tenancy/TenantRoles.h"
#include "util/Error.h"

namespace agora::migrate::shadow {

void ShadowRun::swap() {
    say("swapping");
    for (int attempt = 1;; ++attempt) {
        res_.swap_attempts = attempt;
        auto lock_start = Clock::now();
        std::vector<std::string> validate;
        try {
            validate = swapOnce();
            swapped_ = true;
            res_.lock_ms = msSince(lock_start);
        } catch (const db::PgError& e) {
            c_.forgetSchema();
            if (!retryable(e) || attempt >= o_.max_attempts)
                throw;
            say("swap lock not granted (attempt " + std::to_string(attempt) + "), retrying");
            backoff(attempt);
            drain(o_.drain_rows);
            continue;
        }
        c_.forgetSchema();
        validateForeignKeys(validate);
        break;
    }
    c_.exec("DROP SCHEMA " + c_.quoteIdent(sh_) + " CASCADE");
}

// Returns the VALIDATE statements for the foreign keys re-created NOT VALID.
std::vector<std::string> ShadowRun::swapOnce() {
    std::vector<std::string> validate;
    db::Transaction tx(c_);
    c_.exec("SET LOCAL lock_timeout = " + std::to_string(o_.max_lock_ms) +
            "; SET LOCAL search_path TO " + c_.quoteIdent(schema_) + ", public");
    c_.exec("LOCK TABLE " + p_.orig + " IN ACCESS EXCLUSIVE MODE");
    replayUnderLock();
    checkUnderLock();
    auto owned = detachOwnedSequences();
    continueIdentities();
    moveTable(owned, validate);
    // The new table came from another schema: the tenant's role gets it in the same commit, so
    // no request ever meets a table it may not read.
    TenantRoles::ensure(c_, schema_);
    tx.commit();
    return validate;
}

// No writer can add keys now: replay the rest.
void ShadowRun::replayUnderLock() {
    for (;;) {
        int64_t n = 0;
        c_.exec("SAVEPOINT replay");
        try {
            n = replayRound(0, false, true);
            c_.exec("RELEASE SAVEPOINT replay");
        } catch (const db::UniqueViolation&) {
            c_.exec("ROLLBACK TO SAVEPOINT replay");
            n = replayRound(0, true, true);
        }
        if (n == 0)
            break;
    }
}

// Every key replayed since the checksum pass, and every range that still differed.
void ShadowRun::checkUnderLock() {
    const std::string dirty_keys = " IN (SELECT " + p_.pkList() + " FROM " + p_.dirty + ")";
    auto dirty =
        c_.exec("SELECT " + p_.checksum(p_.orig, "o", true, p_.pkRow("o") + dirty_keys) + " = " +
                p_.checksum(p_.shadow, "s", false, p_.pkRow("s") + dirty_keys) +
                ", (SELECT count(DISTINCT " + p_.pkRow("d") + ") FROM " + p_.dirty + " d)");
    res_.keys_rechecked = dirty.i64(0, 1);
    bool equal = dirty.boolean(0, 0);
    for (size_t i : differing_)
        equal = equal && rangeEqual(i);
    if (equal)
        return;
    // Name the rows for whoever investigates (a full comparison, failure only).
    auto diff = c_.exec("WITH o AS (SELECT ROW(" + p_.pkList("o") + ")::text AS k, " +
                        p_.rowText("o", true) + " AS h FROM " + p_.orig + " o), s AS (SELECT ROW(" +
                        p_.pkList("s") + ")::text AS k, " + p_.rowText("s", false) + " AS h FROM " +
                        p_.shadow +
                        " s) SELECT count(*), left(string_agg(k, ' '), 200) FROM o FULL JOIN s "
                        "USING (k) WHERE o.h IS DISTINCT FROM s.h");
    throw Error::internal("the shadow copy of " + table_ + " does not match the table (" +
                          diff.str(0, 0) + " rows differ: " + diff.str(0, 1) +
                          "); nothing was swapped");
}

// Sequences owned by the old table's columns would be dropped with it.
db::PgResult ShadowRun::detachOwnedSequences() {
    auto owned = c_.q(
        "SELECT d.objid::regclass::text, quote_ident(a.attname) FROM pg_depend d "
        "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
        "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        "WHERE d.refobjid = $1::oid AND d.deptype = 'a'",
        orig_oid_);
    for (int i = 0; i < owned.rows(); ++i)
        c_.exec("ALTER SEQUENCE " + owned.str(i, 0) + " OWNED BY NONE");
    return owned;
}

// Identity columns: the shadow's own sequences continue where the old ones were.
void ShadowRun::continueIdentities() {
    auto ident = c_.q(
        "SELECT quote_ident(a.attname), pg_get_serial_sequence($1, a.attname) FROM "
        "pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attidentity <> '' "
        "AND a.attnum > 0",
        p_.shadow);
    for (int i = 0; i < ident.rows(); ++i) {
        auto old_seq = c_.q("SELECT pg_get_serial_sequence($1, $2)", p_.orig, ident.str(i, 0));
        if (old_seq.isNull(0, 0))
            continue;
        auto cur = c_.exec("SELECT last_value, is_called FROM " + old_seq.str(0, 0));
        c_.q("SELECT setval($1::regclass, $2::bigint, $3::boolean)", ident.str(i, 1), cur.str(0, 0),
             cur.str(0, 1));
    }
}

// The shadow replaces the table: foreign keys pointing here and the table's own are re-created
// after the move (NOT VALID, validated after the lock), and so are its triggers.
void ShadowRun::moveTable(const db::PgResult& owned, std::vector<std::string>& validate) {
    auto incoming = c_.q(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(r.relname), "
        "quote_ident(conname), pg_get_constraintdef(k.oid), convalidated "
        "FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid "
        "JOIN pg_namespace n ON n.oid = r.relnamespace "
        "WHERE confrelid = $1::oid AND conrelid <> $1::oid AND contype = 'f'",
        orig_oid_);
    auto outgoing = c_.q(
        "SELECT quote_ident(conname), pg_get_constraintdef(oid), convalidated "
        "FROM pg_constraint WHERE conrelid = $1::oid AND contype = 'f'",
        orig_oid_);
    auto triggers = c_.q(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = $1::oid "
        "AND NOT tgisinternal AND tgname NOT IN ('agora_capture', 'agora_no_truncate')",
        orig_oid_);
    auto old_indexes = c_.q(
        "SELECT c.relname, regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', "
        "'') FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = $1::oid",
        orig_oid_);
    for (int i = 0; i < incoming.rows(); ++i)
        c_.exec("ALTER TABLE " + incoming.str(i, 0) + " DROP CONSTRAINT " + incoming.str(i, 1));
    c_.exec("DROP TABLE " + p_.orig);
    c_.exec("ALTER TABLE " + p_.shadow + " SET SCHEMA " + c_.quoteIdent(schema_));
    renameIndexes(old_indexes);
    for (int i = 0; i < owned.rows(); ++i)
        c_.exec("ALTER SEQUENCE " + owned.str(i, 0) + " OWNED BY " + p_.orig + "." +
                owned.str(i, 1));
    for (int i = 0; i < outgoing.rows(); ++i)
        addForeignKey(p_.orig, outgoing.str(i, 0), outgoing.str(i, 1), outgoing.boolean(i, 2),
                      validate);
    for (int i = 0; i < incoming.rows(); ++i)
        addForeignKey(incoming.str(i, 0), incoming.str(i, 1), incoming.str(i, 2),
                      incoming.boolean(i, 3), validate);
    for (int i = 0; i < triggers.rows(); ++i)
        c_.exec(triggers.str(i, 0));
}

// Indexes keep their names (later steps refer to them).
void ShadowRun::renameIndexes(const db::PgResult& old_indexes) {
    auto new_indexes = c_.q(
        "SELECT quote_ident(c.relname), c.relname, regexp_replace(pg_get_indexdef("
        "i.indexrelid), '^.* USING ', '') FROM pg_index i JOIN pg_class c ON c.oid = "
        "i.indexrelid WHERE i.indrelid = to_regclass($1)",
        p_.orig);
    for (int i = 0; i < new_indexes.rows(); ++i)
        for (int j = 0; j < old_indexes.rows(); ++j)
            if (new_indexes.str(i, 2) == old_indexes.str(j, 1) &&
                new_indexes.str(i, 1) != old_indexes.str(j, 0))
                c_.exec("ALTER INDEX " + c_.quoteIdent(schema_) + "." + new_indexes.str(i, 0) +
                        " RENAME TO " + c_.quoteIdent(old_indexes.str(j, 0)));
}

void ShadowRun::addForeignKey(const std::string& table, const std::string& name, std::string def,
                              bool validated, std::vector<std::string>& validate) {
    const std::string nv = " NOT VALID";
    if (def.size() >= nv.size() && def.compare(def.size() - nv.size(), nv.size(), nv) == 0)
        def.resize(def.size() - nv.size());
    c_.exec("ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + def + " NOT VALID");
    if (validated)
        validate.push_back("ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name);
}

// Validation scans without blocking writes. The swap is done: a constraint that fails to
// validate stays NOT VALID (still enforced for new rows) and is reported.
void ShadowRun::validateForeignKeys(const std::vector<std::string>& validate) {
    for (const auto& v : validate) {
        try {
            c_.exec(v);
        } catch (const db::PgError& e) {
            res_.warnings.push_back(v + ": " + e.what());
            say("left NOT VALID: " + v + " (" + e.what() + ")");
        }
    }
}

}  // namespace agora::migrate::shadow
