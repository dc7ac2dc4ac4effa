#include "migrate/Migrator.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "migrate/SqlScript.h"
#include "tenancy/TenantRoles.h"
#include "util/Crypto.h"

namespace agora::migrate {

namespace fs = std::filesystem;

std::vector<Step> Migrator::loadSteps(const fs::path& dir, const std::string& prefix) {
    std::vector<Step> steps;
    if (!fs::exists(dir))
        return steps;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".sql")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        steps.push_back(makeStep(prefix + entry.path().filename().string(), ss.str()));
    }
    std::sort(steps.begin(), steps.end(),
              [](const Step& a, const Step& b) { return a.name < b.name; });
    return steps;
}

Step Migrator::makeStep(std::string name, std::string sql) {
    Step s;
    s.name = std::move(name);
    s.sql = std::move(sql);
    s.checksum = crypto::sha256Hex(s.sql);
    s.transactional = s.sql.find("-- agora:no-transaction") == std::string::npos;
    if (s.sql.find("-- agora:phase contract") != std::string::npos)
        s.phase = "contract";
    const std::string shadow = "-- agora:shadow ";
    if (auto at = s.sql.find(shadow); at != std::string::npos) {
        auto begin = at + shadow.size();
        auto end = s.sql.find_first_of(" \t\r\n", begin);
        s.shadow_table = s.sql.substr(begin, end == std::string::npos ? end : end - begin);
    }
    return s;
}

void Migrator::bootstrap(db::PgConnection& conn) {
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

static std::map<std::string, std::pair<std::string, std::string>> ledger(
    db::PgConnection& conn, const std::string& schema) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    auto r = conn.q(
        "SELECT step, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') AS at "
        "FROM network.schema_migrations WHERE target = $1",
        schema);
    for (int i = 0; i < r.rows(); ++i)
        out[r.str(i, 0)] = {r.str(i, 1), r.str(i, 2)};
    return out;
}

static void verify(const std::string& schema, const std::vector<Step>& steps,
                   const std::map<std::string, std::pair<std::string, std::string>>& done) {
    for (const auto& s : steps) {
        auto it = done.find(s.name);
        if (it != done.end() && it->second.first != s.checksum) {
            throw Error::conflict(
                "migration_edited",
                "migration " + s.name + " was edited after it was applied to " + schema +
                    " (ledger checksum " + it->second.first.substr(0, 12) + ", file " +
                    s.checksum.substr(0, 12) + "); add a new numbered step instead");
        }
    }
}

std::vector<StepStatus> Migrator::status(db::PgConnection& conn, const std::string& schema,
                                         const std::vector<Step>& steps) {
    auto done = ledger(conn, schema);
    std::vector<StepStatus> out;
    for (const auto& s : steps) {
        StepStatus st{s, false, ""};
        if (auto it = done.find(s.name); it != done.end()) {
            st.applied = true;
            st.applied_at = it->second.second;
        }
        out.push_back(std::move(st));
    }
    return out;
}

std::vector<std::string> Migrator::apply(db::PgConnection& conn, const std::string& schema,
                                         const std::vector<Step>& steps,
                                         const std::function<void(const std::string&)>& progress) {
    std::vector<std::string> applied;
    auto done = ledger(conn, schema);
    verify(schema, steps, done);
    std::string schema_q = conn.quoteIdent(schema);
    for (const auto& s : steps) {
        if (done.count(s.name))
            continue;
        if (progress)
            progress(s.name);
        auto start = std::chrono::steady_clock::now();
        auto record = [&] {
            auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
            conn.q(
                "INSERT INTO network.schema_migrations (target, step, checksum, duration_ms) "
                "VALUES ($1, $2, $3, $4)",
                schema, s.name, s.checksum, static_cast<long long>(ms));
        };
        if (s.transactional) {
            db::Transaction tx(conn);
            // Another process may be migrating the same target: wait for it, then re-check.
            conn.q("SELECT pg_advisory_xact_lock(hashtext($1))", schema);
            auto again =
                conn.q("SELECT 1 FROM network.schema_migrations WHERE target = $1 AND step = $2",
                       schema, s.name);
            if (!again.empty())
                continue;
            conn.exec("CREATE SCHEMA IF NOT EXISTS " + schema_q + "; SET LOCAL search_path TO " +
                      schema_q + ", public");
            conn.exec(s.sql);
            record();
            tx.commit();
            conn.forgetSchema();
        } else {
            // CREATE INDEX CONCURRENTLY and friends cannot run in a transaction block.
            conn.exec("SET search_path TO " + schema_q + ", public");
            conn.forgetSchema();
            // One statement at a time: several statements in one query string form an implicit
            // transaction block, where CONCURRENTLY and COMMIT inside a DO block are refused.
            auto script = SqlScript::parse(s.sql);  // kept alive: statements() refers into it
            for (const auto& st : script.statements())
                conn.exec(st.sql);
            record();
        }
        // A plain SET in a step outlives its transaction; this connection may go back to a pool.
        conn.exec("RESET lock_timeout; RESET statement_timeout");
        applied.push_back(s.name);
    }
    // Tables a step created belong to the tenant's role too (plugin SQL runs under it).
    if (schema != "network" && !applied.empty())
        TenantRoles::ensure(conn, schema);
    return applied;
}

}  // namespace agora::migrate
