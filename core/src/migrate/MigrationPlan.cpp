#include "migrate/MigrationPlan.h"

#include <map>

#include "migrate/Ledger.h"
#include "util/Error.h"

namespace agora::migrate {

using nlohmann::json;

json TargetStatus::toJson() const {
    json steps_json = json::array();
    for (const auto& s : steps) {
        json j = {{"step", s.step}, {"state", str(s.state)}};
        if (!s.phase.empty())
            j["phase"] = s.phase;
        if (!s.checksum.empty())
            j["checksum"] = s.checksum;
        if (s.state != StepPlanState::Pending) {
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
    auto ledger = Ledger(conn).applied(target.schema);

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
            ss.state = StepPlanState::Pending;
            ++st.pending;
        } else {
            ss.applied_checksum = it->second.checksum;
            ss.applied_at = it->second.applied_on;
            ss.duration_ms = it->second.duration_ms;
            ss.state =
                it->second.checksum == s.checksum ? StepPlanState::Applied : StepPlanState::Edited;
            ++(ss.state == StepPlanState::Applied ? st.applied : st.edited);
            ledger.erase(it);
        }
        st.steps.push_back(std::move(ss));
    }
    // Ledger rows with no file: plugin steps (named plugin/NNN_x.sql) or a deleted core file.
    for (const auto& [name, row] : ledger) {
        StepState ss;
        ss.step = name;
        ss.applied_checksum = row.checksum;
        ss.applied_at = row.applied_on;
        ss.duration_ms = row.duration_ms;
        ss.state =
            name.find('/') != std::string::npos ? StepPlanState::Plugin : StepPlanState::Missing;
        if (ss.state == StepPlanState::Missing)
            ++st.missing;
        st.steps.push_back(std::move(ss));
    }
    return st;
}

std::vector<Step> MigrationPlan::pending(db::PgConnection& conn, const Target& target) const {
    auto st = status(conn, target);
    for (const auto& s : st.steps) {
        if (s.state == StepPlanState::Edited)
            throw Ledger::edited(s.step, target.schema, s.applied_checksum, s.checksum);
    }
    std::vector<Step> out;
    for (const auto& s : stepsFor(target)) {
        for (const auto& ss : st.steps)
            if (ss.step == s.name && ss.state == StepPlanState::Pending)
                out.push_back(s);
    }
    return out;
}

}  // namespace agora::migrate
