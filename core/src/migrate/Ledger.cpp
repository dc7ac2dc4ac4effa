#include "migrate/Ledger.h"

namespace agora::migrate {

void Ledger::bootstrap(db::PgConnection& conn) {
    // Serialise concurrent bootstraps (two servers starting at once).
    db::Transaction tx(conn);
    conn.exec("SELECT pg_advisory_xact_lock(4242)");
    conn.exec(
        "CREATE SCHEMA IF NOT EXISTS network;"
        "CREATE TABLE IF NOT EXISTS network.schema_migrations ("
        "  target text NOT NULL, step text NOT NULL, checksum text NOT NULL,"
        "  applied_at timestamptz NOT NULL DEFAULT now(), duration_ms integer NOT NULL DEFAULT 0,"
        "  PRIMARY KEY (target, step))");
    tx.commit();
}

std::vector<LedgerEntry> Ledger::entries(const std::string& target) {
    auto r = conn_.q(
        "SELECT step, checksum, applied_at::text, "
        "to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS'), duration_ms "
        "FROM network.schema_migrations WHERE target = $1 ORDER BY step",
        target);
    std::vector<LedgerEntry> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.str(i, 0), r.str(i, 1), r.str(i, 2), r.str(i, 3), r.i64(i, 4)});
    return out;
}

std::map<std::string, LedgerEntry> Ledger::applied(const std::string& target) {
    std::map<std::string, LedgerEntry> out;
    for (auto& e : entries(target))
        out.emplace(e.step, std::move(e));
    return out;
}

bool Ledger::contains(const std::string& target, const std::string& step) {
    return !conn_
                .q("SELECT 1 FROM network.schema_migrations WHERE target = $1 AND step = $2",
                   target, step)
                .empty();
}

std::pair<int64_t, int64_t> Ledger::pluginCoverage(const std::string& plugin,
                                                   const std::string& step) {
    auto r = conn_.q(
        "SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM network.schema_migrations m "
        "  WHERE m.target = t.schema_name AND m.step = $2)), count(*) "
        "FROM network.tenant_plugins tp JOIN network.tenants t ON t.id = tp.tenant_id "
        "WHERE tp.plugin = $1 AND tp.enabled",
        plugin, step);
    return {r.i64(0, 0), r.i64(0, 1)};
}

void Ledger::record(const std::string& target, const Step& step, int64_t duration_ms) {
    conn_.q(
        "INSERT INTO network.schema_migrations (target, step, checksum, duration_ms) "
        "VALUES ($1, $2, $3, $4)",
        target, step.name, step.checksum, static_cast<long long>(duration_ms));
}

void Ledger::replace(const std::string& target, const std::vector<LedgerEntry>& rows) {
    conn_.q("DELETE FROM network.schema_migrations WHERE target = $1", target);
    for (const auto& e : rows)
        conn_.q(
            "INSERT INTO network.schema_migrations (target, step, checksum, applied_at, "
            "duration_ms) VALUES ($1, $2, $3, $4::timestamptz, $5::integer)",
            target, e.step, e.checksum, e.applied_at, static_cast<long long>(e.duration_ms));
}

Error Ledger::edited(const std::string& step, const std::string& target,
                     const std::string& applied_checksum, const std::string& file_checksum) {
    return Error::conflict("migration_edited",
                           "migration " + step + " was edited after it was applied to " + target +
                               " (ledger checksum " + applied_checksum.substr(0, 12) + ", file " +
                               file_checksum.substr(0, 12) + "); add a new numbered step instead");
}

void Ledger::verify(const std::string& target, const std::vector<Step>& steps) {
    auto done = applied(target);
    for (const auto& s : steps) {
        auto it = done.find(s.name);
        if (it != done.end() && it->second.checksum != s.checksum)
            throw edited(s.name, target, it->second.checksum, s.checksum);
    }
}

}  // namespace agora::migrate
