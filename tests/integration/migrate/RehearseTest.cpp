// `agora migrate rehearse` measures what the pending steps do on a fresh staging copy, stores the
// report, and `agora migrate apply` accepts only rehearsed steps on a copy of about today's size.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "MigrateTest.h"

namespace agora::test {

namespace {

class RehearseTest : public MigrateTest {
protected:
    std::string seeded(const std::string& slug, int rows) {
        auto schema = addTenant(slug, slug + ".test");
        addMember(slug, slug + "_admin", "admin");
        db().exec("INSERT INTO " + schema +
                  ".members (id, username, display_name) SELECT g, 'u' || g, repeat('x', 80) "
                  "FROM generate_series(1000, " +
                  std::to_string(999 + rows) + ") g");
        db().exec("ANALYZE " + schema + ".members");
        return schema;
    }

    nlohmann::json step(const nlohmann::json& report, const std::string& name) {
        for (const auto& s : report["steps"])
            if (s["step"] == name)
                return s;
        return nullptr;
    }

    bool hasLock(const nlohmann::json& s, const std::string& rel, const std::string& mode) {
        for (const auto& l : s["locks"])
            if (l["relation"] == rel && l["mode"] == mode)
                return true;
        return false;
    }
};

const std::string kTimeouts = "SET lock_timeout = '500ms';\nSET statement_timeout = '5min';\n";

}  // namespace

TEST_F(RehearseTest, ReportsDurationLocksRewritesRowsAndAnEstimate) {
    auto schema = seeded("big", 200000);
    writeStep("090_token.sql",
              kTimeouts +
                  "-- agora:allow volatile-default because this test wants a rewrite to measure\n"
                  "ALTER TABLE members ADD COLUMN token uuid DEFAULT gen_random_uuid();\n");
    writeStep("091_backfill.sql",
              kTimeouts +
                  "ALTER TABLE members ADD COLUMN karma integer;\n"
                  "-- agora:allow backfill-with-ddl because this test measures rows touched\n"
                  "UPDATE members SET karma = 1 WHERE id % 4 = 0;\n");
    writeStep("092_index.sql", "-- agora:no-transaction\n" + kTimeouts +
                                   "CREATE INDEX CONCURRENTLY IF NOT EXISTS members_karma ON "
                                   "members (karma);\n");
    std::string prod_ledger = text(
        "SELECT string_agg(step, ',' ORDER BY step) FROM network.schema_migrations WHERE "
        "target = '" +
        schema + "'");

    auto html_file = root() / "rehearsal.html";
    auto r = cli({"migrate", "rehearse", "big", "--json", "--html", html_file.string()});
    ASSERT_EQ(r.rc, 0) << r;
    auto report = r.json();
    EXPECT_TRUE(report["ok"].get<bool>());
    EXPECT_EQ(report["staging"], "big-staging");
    EXPECT_GT(report["samples"].get<int64_t>(), 5);
    ASSERT_EQ(report["steps"].size(), 3u) << report.dump(2);

    auto rewrite = step(report, "090_token.sql");
    EXPECT_EQ(rewrite["rewritten"], nlohmann::json::array({"members"})) << rewrite.dump(2);
    EXPECT_TRUE(hasLock(rewrite, "members", "AccessExclusiveLock")) << rewrite.dump(2);
    // The write probe had to wait for most of the rewrite.
    EXPECT_GT(rewrite["max_wait_ms"].get<int64_t>(), rewrite["duration_ms"].get<int64_t>() / 4)
        << rewrite.dump(2);
    EXPECT_GT(rewrite["estimated_prod_ms"].get<int64_t>(), 0);

    auto backfill = step(report, "091_backfill.sql");
    EXPECT_EQ(backfill["rewritten"].size(), 0u) << backfill.dump(2);
    EXPECT_EQ(backfill["rows"]["updated"], 50000) << backfill.dump(2);
    EXPECT_EQ(backfill["rows"]["tables"]["members"]["updated"], 50000);

    auto index = step(report, "092_index.sql");
    EXPECT_EQ(index["created"], nlohmann::json::array({"members_karma"}));
    EXPECT_EQ(index["transactional"], false);
    EXPECT_FALSE(hasLock(index, "members", "ShareLock"));  // CONCURRENTLY: writes go on

    // Staging has the steps, production doesn't.
    EXPECT_TRUE(pending("big-staging").empty());
    EXPECT_EQ(pending("big").size(), 3u);
    EXPECT_EQ(text("SELECT string_agg(step, ',' ORDER BY step) FROM network.schema_migrations "
                   "WHERE target = '" +
                   schema + "'"),
              prod_ledger);
    EXPECT_EQ(
        scalar("SELECT count(*) FROM network.rehearsals WHERE target = '" + schema + "' AND ok"),
        3);

    for (const auto& s : report["steps"])
        std::cout << "[ figures  ] " << s["step"].get<std::string>() << ": " << s["duration_ms"]
                  << " ms, est. prod " << s["estimated_prod_ms"] << " ms, longest wait "
                  << s["max_wait_ms"] << " ms, rewritten " << s["rewritten"].dump() << ", rows "
                  << s["rows"]["updated"] << " updated\n";

    // The page: one self-contained file (nothing fetched, no scripts) with every step.
    ASSERT_TRUE(std::filesystem::exists(html_file)) << r;
    std::ifstream in(html_file);
    std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_FALSE(std::regex_search(
        html, std::regex("(src|href)\\s*=\\s*['\"]?\\s*(https?:)?//", std::regex::icase)));
    for (const char* name : {"090_token.sql", "091_backfill.sql", "092_index.sql"})
        EXPECT_NE(html.find(name), std::string::npos) << name;
    EXPECT_NE(html.find("slowest wait"), std::string::npos);
    EXPECT_NE(html.find("AccessExclusiveLock"), std::string::npos);

    // The readable report: table and timeline.
    auto human = cli({"migrate", "rehearse", "big"});
    ASSERT_EQ(human.rc, 0) << human;
    EXPECT_NE(human.out.find("Rehearsal of big on big-staging"), std::string::npos) << human;
    EXPECT_NE(human.out.find("Timeline"), std::string::npos) << human;
    EXPECT_NE(human.out.find("members AccessExclusiveLock"), std::string::npos) << human;
    std::cout << human.out;
}

TEST_F(RehearseTest, ApplyNeedsARehearsalOfTheSameFileOnACopyOfAboutTheSameSize) {
    auto schema = seeded("gated", 20000);
    addTenant("other");
    writeStep("090_col.sql", kTimeouts + "ALTER TABLE members ADD COLUMN flair text;\n");

    auto refused = cli({"migrate", "apply", "gated", "--json"});
    EXPECT_EQ(refused.rc, 1) << refused;
    auto t = refused.json()["tenants"][0];
    EXPECT_EQ(t["status"], "refused");
    EXPECT_NE(t["error"].get<std::string>().find("never rehearsed"), std::string::npos);

    ASSERT_EQ(cli({"migrate", "rehearse", "gated"}).rc, 0);

    // Edited after the rehearsal: the rehearsal no longer counts.
    writeStep("090_col.sql", kTimeouts + "ALTER TABLE members ADD COLUMN flair varchar(20);\n");
    auto edited = cli({"migrate", "apply", "gated", "--json"});
    EXPECT_EQ(edited.rc, 1) << edited;
    EXPECT_NE(edited.json()["tenants"][0]["error"].get<std::string>().find("different contents"),
              std::string::npos)
        << edited;
    writeStep("090_col.sql", kTimeouts + "ALTER TABLE members ADD COLUMN flair text;\n");

    // Production grew well past the rehearsed copy: rehearse again.
    db().exec("INSERT INTO " + schema +
              ".members (id, username, display_name) SELECT g, 'v' || g, repeat('y', 80) FROM "
              "generate_series(100000, 160000) g");
    auto grown = cli({"migrate", "apply", "gated", "--json"});
    EXPECT_EQ(grown.rc, 1) << grown;
    EXPECT_NE(grown.json()["tenants"][0]["error"].get<std::string>().find("±50%"),
              std::string::npos)
        << grown;

    ASSERT_EQ(cli({"migrate", "rehearse", "gated"}).rc, 0);
    auto ok = cli({"migrate", "apply", "--all", "--json"});
    EXPECT_EQ(ok.rc, 1) << ok;  // "other" was never rehearsed
    auto tenants = ok.json()["tenants"];
    for (const auto& tenant : tenants) {
        if (tenant["slug"] == "gated")
            EXPECT_EQ(tenant["status"], "applied") << tenant.dump();
        if (tenant["slug"] == "other")
            EXPECT_EQ(tenant["status"], "refused") << tenant.dump();
        if (tenant["slug"] == "gated-staging")
            EXPECT_EQ(tenant["status"], "up-to-date") << tenant.dump();
    }
    EXPECT_TRUE(pending("gated").empty());
    EXPECT_EQ(cli({"migrate", "apply", "other", "--unrehearsed"}).rc, 0);
}

TEST_F(RehearseTest, AFailingStepIsReportedAndStoredAsFailed) {
    auto schema = seeded("oops", 1000);
    addTenant("calm");
    writeStep("090_bad.sql", kTimeouts + "ALTER TABLE members ADD COLUMN x nosuchtype;\n");
    auto r = cli({"migrate", "rehearse", "oops", "--json"});
    EXPECT_EQ(r.rc, 1) << r;
    auto report = r.json();
    EXPECT_FALSE(report["ok"].get<bool>());
    EXPECT_FALSE(report["steps"][0]["ok"].get<bool>());
    EXPECT_EQ(scalar("SELECT count(*) FROM network.rehearsals WHERE target = '" + schema +
                     "' AND NOT ok"),
              1);
    EXPECT_EQ(cli({"migrate", "apply", "oops", "--json"}).rc, 1);
    // A staging tenant is not rehearsed itself; nothing pending is a no-op.
    EXPECT_EQ(cli({"migrate", "rehearse", "oops-staging"}).rc, 1);
    std::filesystem::remove(root() / "migrations" / "tenant" / "090_bad.sql");
    auto calm = cli({"migrate", "rehearse", "calm", "--json"});
    EXPECT_EQ(calm.rc, 0) << calm;
    EXPECT_EQ(calm.json()["note"], "nothing pending");
}

}  // namespace agora::test

namespace agora::test {

// A busy production table carries dead tuples a freshly restored staging copy doesn't: the
// estimate scales by live rows, so bloat doesn't multiply it.
TEST_F(RehearseTest, EstimateScalesByLiveRowsNotByProductionsBloat) {
    auto schema = seeded("bloated", 20000);
    // Two full-table updates with autovacuum off for the table: production is now about three
    // times the bytes for the same rows.
    db().exec("ALTER TABLE " + schema + ".members SET (autovacuum_enabled = false)");
    db().exec("UPDATE " + schema + ".members SET display_name = repeat('y', 80)");
    db().exec("UPDATE " + schema + ".members SET display_name = repeat('z', 80)");
    writeStep("090_backfill.sql",
              kTimeouts +
                  "ALTER TABLE members ADD COLUMN karma integer;\n"
                  "-- agora:allow backfill-with-ddl because this test measures the estimate\n"
                  "UPDATE members SET karma = 1;\n");

    auto r = cli({"migrate", "rehearse", "bloated", "--json"});
    ASSERT_EQ(r.rc, 0) << r;
    auto report = r.json();
    ASSERT_GT(report["table_bytes"].get<double>(), 1.5 * report["staging_bytes"].get<double>())
        << "the setup must leave production bloated: " << report.dump(2);
    auto s = step(report, "090_backfill.sql");
    ASSERT_FALSE(s.is_null()) << report.dump(2);
    EXPECT_EQ(s["scale_basis"], "rows") << s.dump(2);
    EXPECT_NEAR(s["scale"].get<double>(), 1.0, 0.1) << s.dump(2);
}

}  // namespace agora::test
