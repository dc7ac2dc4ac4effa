// agora_bench_plugin_sql — what confining plugin SQL to its tenant's role costs, printed as
// "label|samples|p50_us|p99_us|mean_us" lines (ops/bench plugin_sql lays them out).
//
//   agora_bench_plugin_sql [--samples N]
//       Against the configured PostgreSQL (AGORA_DATABASE_URL as the application role,
//       AGORA_MIGRATION_DATABASE_URL to create the tenant): one primary-key SELECT in a tenant
//       schema, run as a plugin statement is run — unconfined (the connection's own role) and
//       confined (SET ROLE tenant; statement; RESET ROLE), outside and inside a transaction,
//       interleaved in one loop so both see the machine at the same moment. Then the
//       alternative that was not chosen: opening one new connection (a per-tenant login pool
//       pays this for every tenant a worker touches, and holds a backend per tenant).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/App.h"
#include "network/TenantService.h"
#include "plugins/PluginSql.h"
#include "tenancy/TenantNames.h"
#include "tenancy/TenantRoles.h"
#include "util/Config.h"
#include "util/Crypto.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Series {
    std::string label;
    std::vector<double> us;
};

void print(Series s) {
    std::sort(s.us.begin(), s.us.end());
    double sum = 0;
    for (double v : s.us)
        sum += v;
    auto at = [&](double p) { return s.us[std::min(s.us.size() - 1, size_t(p * s.us.size()))]; };
    std::printf("%s|%zu|%.1f|%.1f|%.1f\n", s.label.c_str(), s.us.size(), at(0.5), at(0.99),
                sum / s.us.size());
}

template <typename F>
double timed(F&& f) {
    auto a = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - a).count();
}

}  // namespace

int main(int argc, char** argv) {
    int samples = 5000;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--samples")
            samples = std::atoi(argv[i + 1]);
    auto config = agora::Config::load();
    agora::App app(config, 2, agora::DbRole::Application);
    app.initNetwork();
    agora::TenantFile f;
    f.slug = "bench-" + agora::crypto::randomToken(4);
    for (auto& c : f.slug)
        c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : 'x';
    f.name = "Plugin SQL bench";
    f.hosts = {f.slug + ".bench.test"};
    agora::TenantService(app, app.plugins()).add(f);
    auto schema = agora::tenantSchemaFor(f.slug);
    auto role = agora::TenantRoles::roleFor(schema);

    auto lease = app.pool().acquire();
    auto& c = *lease;
    c.useSchema(schema);
    const std::string sql = "SELECT id, display_name FROM members WHERE id = $1";
    Series plain{"unconfined", {}}, confined{"confined (SET ROLE)", {}};
    Series plain_tx{"unconfined in a transaction", {}},
        confined_tx{"confined in a transaction", {}};
    for (int i = 0; i < samples; ++i) {
        agora::db::Params p{std::to_string(i)};
        plain.us.push_back(timed([&] { agora::PluginSql::run(c, "", sql, p); }));
        confined.us.push_back(timed([&] { agora::PluginSql::run(c, role, sql, p); }));
        c.exec("BEGIN");
        plain_tx.us.push_back(timed([&] { agora::PluginSql::run(c, "", sql, p); }));
        confined_tx.us.push_back(timed([&] { agora::PluginSql::run(c, role, sql, p); }));
        c.exec("COMMIT");
    }
    print(plain);
    print(confined);
    print(plain_tx);
    print(confined_tx);

    Series connect{"new connection (per-tenant pool)", {}};
    for (int i = 0; i < std::max(20, samples / 100); ++i)
        connect.us.push_back(timed([&] { agora::db::PgConnection fresh(config.database_url); }));
    print(connect);
    return 0;
}
