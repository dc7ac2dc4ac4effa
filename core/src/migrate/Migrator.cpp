#include "migrate/Migrator.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "migrate/Ledger.h"
#include "migrate/OnlineApplier.h"
#include "util/Crypto.h"
#include "util/Error.h"

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
    Ledger::bootstrap(conn);
}

std::vector<StepStatus> Migrator::status(db::PgConnection& conn, const std::string& schema,
                                         const std::vector<Step>& steps) {
    auto done = Ledger(conn).applied(schema);
    std::vector<StepStatus> out;
    for (const auto& s : steps) {
        StepStatus st{s, false, ""};
        if (auto it = done.find(s.name); it != done.end()) {
            st.applied = true;
            st.applied_at = it->second.applied_on;
        }
        out.push_back(std::move(st));
    }
    return out;
}

std::vector<std::string> Migrator::apply(db::PgConnection& conn, const std::string& schema,
                                         const std::vector<Step>& steps,
                                         const std::function<void(const std::string&)>& progress) {
    Ledger(conn).verify(schema, steps);
    ApplyOptions options;
    options.mode = ApplyMode::Fresh;
    options.max_attempts = 1;
    options.progress = progress;
    auto result = OnlineApplier(conn, std::move(options)).apply(schema, steps);
    std::vector<std::string> applied;
    for (const auto& r : result.steps) {
        if (!r.ok) {
            if (r.exception)
                std::rethrow_exception(r.exception);
            throw Error::internal(result.error);
        }
        if (!r.applied_meanwhile)
            applied.push_back(r.step);
    }
    return applied;
}

}  // namespace agora::migrate
