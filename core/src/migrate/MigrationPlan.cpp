#include "migrate/MigrationPlan.h"

#include <map>

#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;

json TargetStatus::toJson() const {
    json steps_json = json::array();
    for (const auto& s : steps) {
        json j = {{"step", s.step}, {"state", s.state}};
        if (!s.phase.empty())
            j["phase"] = s.phase;
        if (!s.checksum.empty())
            j["checksum"] = s.checksum;
        if (s.state != "pending") {
            j["applied_at"] = s.applied_at;
            j["duration_ms"] = s.duration_ms;
            j["applied_checksum"] = s.applied_checksum;
        }
        if (!s.transactional)
            j["transactional"] = false;
        steps_json.push_back(std::move(j));
    }
    json out = {{"target", target.schema},
                {"slug", target.isNetwork() ? json(nullptr) : json(target.slug)},
                {"staging", target.isStaging()},
                {"applied", applied},
                {"pending", pending},
                {"edited", edited},
                {"missing", missing},
                {"steps", std::move(steps_json)}};
    return out;
}

MigrationPlan MigrationPlan::load(const std::filesystem::path& root) {
    return MigrationPlan(Migrator::loadSteps(root / "migrations" / "network"),
                         Migrator::loadSteps(root / "migrations" / "tenant"));
}

static void requireLedger(db::PgConnection& conn) {
    auto r = conn.q(
        "SELECT to_regclass('network.schema_migrations') IS NOT NULL AND "
        "to_regclass('network.tenants') IS NOT NULL");
    if (!r.boolean(0, 0))
        throw Error::unavailable(
            "the network schema is not initialised (run agora network init first)");
}

static Target targetFrom(const db::PgResult& r, int i) {
    Target t;
    t.tenant_id = r.i64(i, "id");
    t.slug = r.str(i, "slug");
    t.schema = r.str(i, "schema_name");
    t.staging_of = r.optI64(i, "staging_of");
    t.status = r.str(i, "status");
    return t;
}

std::vector<Target> MigrationPlan::targets(db::PgConnection& conn) {
    requireLedger(conn);
    std::vector<Target> out;
    Target network;
    network.schema = "network";
    network.status = "active";
    out.push_back(network);
    auto r =
        conn.q("SELECT id, slug, schema_name, staging_of, status FROM network.tenants ORDER BY id");
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(targetFrom(r, i));
    return out;
}

std::optional<Target> MigrationPlan::tenant(db::PgConnection& conn, const std::string& slug) {
    requireLedger(conn);
    auto r = conn.q(
        "SELECT id, slug, schema_name, staging_of, status FROM network.tenants WHERE slug = $1",
        slug);
    if (r.empty())
        return std::nullopt;
    return targetFrom(r, 0);
}

TargetStatus MigrationPlan::status(db::PgConnection& conn, const Target& target) const {
    struct Row {
        std::string checksum, at;
        int64_t ms;
    };
    std::map<std::string, Row> ledger;
    auto r = conn.q(
        "SELECT step, checksum, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS') AS at, duration_ms "
        "FROM network.schema_migrations WHERE target = $1",
        target.schema);
    for (int i = 0; i < r.rows(); ++i)
        ledger[r.str(i, 0)] = {r.str(i, 1), r.str(i, 2), r.i64(i, 3)};

    TargetStatus st;
    st.target = target;
    for (const auto& s : stepsFor(target)) {
        StepState ss;
        ss.step = s.name;
        ss.checksum = s.checksum;
        ss.phase = s.phase;
        ss.transactional = s.transactional;
        auto it = ledger.find(s.name);
        if (it == ledger.end()) {
            ss.state = "pending";
            ++st.pending;
        } else {
            ss.applied_checksum = it->second.checksum;
            ss.applied_at = it->second.at;
            ss.duration_ms = it->second.ms;
            ss.state = it->second.checksum == s.checksum ? "applied" : "edited";
            ++(ss.state == "applied" ? st.applied : st.edited);
            ledger.erase(it);
        }
        st.steps.push_back(std::move(ss));
    }
    // Ledger rows with no file: plugin steps (named plugin/NNN_x.sql) or a deleted core file.
    for (const auto& [name, row] : ledger) {
        StepState ss;
        ss.step = name;
        ss.applied_checksum = row.checksum;
        ss.applied_at = row.at;
        ss.duration_ms = row.ms;
        ss.state = name.find('/') != std::string::npos ? "plugin" : "missing";
        if (ss.state == "missing")
            ++st.missing;
        st.steps.push_back(std::move(ss));
    }
    return st;
}

std::vector<Step> MigrationPlan::pending(db::PgConnection& conn, const Target& target) const {
    auto st = status(conn, target);
    for (const auto& s : st.steps) {
        if (s.state == "edited")
            throw Error::conflict(
                "migration_edited",
                "migration " + s.step + " was edited after it was applied to " + target.schema +
                    " (ledger checksum " + s.applied_checksum.substr(0, 12) + ", file " +
                    s.checksum.substr(0, 12) + "); add a new numbered step instead");
    }
    std::vector<Step> out;
    for (const auto& s : stepsFor(target)) {
        for (const auto& ss : st.steps)
            if (ss.step == s.name && ss.state == "pending")
                out.push_back(s);
    }
    return out;
}

}  // namespace agora::migrate
