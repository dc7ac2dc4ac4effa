// `agora tenant stage`: a consistent copy of a tenant, its ledger and its members.
#include <atomic>
#include <iostream>
#include <thread>

#include "MigrateTest.h"
#include "migrate/Stager.h"
#include "util/Error.h"

namespace agora::test {

namespace {

class StageTest : public MigrateTest {
protected:
    void fillMembers(const std::string& schema, int from, int to) {
        db().exec("INSERT INTO " + schema +
                  ".members (id, username, display_name) SELECT g, 'user' || g, 'User ' || g "
                  "FROM generate_series(" +
                  std::to_string(from) + ", " + std::to_string(to) + ") g");
    }
};

}  // namespace

TEST_F(StageTest, CopiesDataLedgerAndMembersIntoAStagingTenant) {
    auto schema = addTenant("cooking", "cooking.test");
    auto admin = addMember("cooking", "ada_admin", "admin");
    fillMembers(schema, 1000, 3000);
    db().exec(
        "INSERT INTO network.settings (tenant_id, key, value) SELECT id, 'site.tagline', "
        "'\"Cooks\"' FROM network.tenants WHERE slug = 'cooking'");

    auto r = cli({"tenant", "stage", "cooking", "--verify", "--json"});
    ASSERT_EQ(r.rc, 0) << r;
    auto j = r.json();
    EXPECT_EQ(j["slug"], "cooking-staging");
    EXPECT_EQ(j["schema"], "t_cooking_staging");
    EXPECT_TRUE(j["created"].get<bool>());
    EXPECT_EQ(j["hosts"], nlohmann::json::array({"staging.cooking.test"}));

    // A staging tenant of its parent, with its members, settings and ledger.
    EXPECT_EQ(text("SELECT p.slug FROM network.tenants t JOIN network.tenants p ON p.id = "
                   "t.staging_of WHERE t.slug = 'cooking-staging'"),
              "cooking");
    EXPECT_EQ(tableDigest("t_cooking_staging"), tableDigest(schema));
    EXPECT_EQ(scalar("SELECT count(*) FROM t_cooking_staging.members WHERE id = " +
                     std::to_string(admin) + " AND role = 'admin'"),
              1);
    EXPECT_EQ(scalar("SELECT count(*) FROM network.memberships m JOIN network.tenants t ON "
                     "t.id = m.tenant_id WHERE t.slug = 'cooking-staging' AND m.account_id = " +
                     std::to_string(admin)),
              1);
    EXPECT_EQ(text("SELECT value::text FROM network.settings s JOIN network.tenants t ON t.id = "
                   "s.tenant_id WHERE t.slug = 'cooking-staging' AND key = 'site.tagline'"),
              "\"Cooks\"");
    EXPECT_EQ(text("SELECT string_agg(step || ':' || checksum, ',' ORDER BY step) FROM "
                   "network.schema_migrations WHERE target = 't_cooking_staging'"),
              text("SELECT string_agg(step || ':' || checksum, ',' ORDER BY step) FROM "
                   "network.schema_migrations WHERE target = 't_cooking'"));
    // The marker the rest of the code checks (Tenant::isStaging()).
    app().directory().reload();
    auto staged = app().directory().bySlug("cooking-staging");
    ASSERT_TRUE(staged);
    EXPECT_TRUE(staged->isStaging());
    EXPECT_EQ(app().directory().byHost("staging.cooking.test"), staged);
    // Sequences follow: a new row in the copy doesn't collide with copied ones.
    db().exec("INSERT INTO t_cooking_staging.close_reasons (name, description) VALUES ('x', 'y')");
}

TEST_F(StageTest, RefreshReplacesTheCopyAndKeepsTheTenant) {
    auto schema = addTenant("writing", "writing.test");
    fillMembers(schema, 1, 100);
    Stager stager(app().ownerPool(), app().config().migration_database_url);
    auto first = stager.stage("writing");
    EXPECT_TRUE(first.created);
    // Changes made on staging are thrown away by a refresh; production's new rows arrive.
    db().exec("DELETE FROM t_writing_staging.members WHERE id <= 50");
    db().exec(
        "UPDATE network.hosts SET host = 'preview.writing.test' WHERE host = "
        "'staging.writing.test'");
    fillMembers(schema, 101, 150);
    auto second = stager.stage("writing", true);
    EXPECT_FALSE(second.created);
    EXPECT_EQ(second.id, first.id);
    EXPECT_EQ(second.hosts, std::vector<std::string>{"preview.writing.test"});
    EXPECT_EQ(scalar("SELECT count(*) FROM t_writing_staging.members"), 150);
    EXPECT_EQ(tableDigest("t_writing_staging"), tableDigest(schema));
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't_writing_staging%'"),
              1);  // no scratch schema left behind
}

TEST_F(StageTest, CopyIsOneSnapshotUnderConcurrentWrites) {
    auto schema = addTenant("busy", "busy.test");
    // Two tables always written together: any copy taken table by table at different moments
    // would show different counts.
    db().exec("CREATE TABLE " + schema +
              ".orders (id bigserial PRIMARY KEY, note text);"
              "CREATE TABLE " +
              schema + ".order_lines (id bigserial PRIMARY KEY, order_id bigint, payload text)");
    db().exec("INSERT INTO " + schema +
              ".orders (note) SELECT repeat('n', 200) FROM generate_series(1, 20000);"
              "INSERT INTO " +
              schema + ".order_lines (order_id, payload) SELECT id, repeat('p', 200) FROM " +
              schema + ".orders");
    std::atomic<bool> stop{false};
    std::atomic<int64_t> written{0};
    std::thread writer([&] {
        db::PgConnection w(url());
        while (!stop) {
            db::Transaction tx(w);
            w.exec("INSERT INTO " + schema +
                   ".orders (note) VALUES ('live') RETURNING id;"
                   "INSERT INTO " +
                   schema + ".order_lines (order_id, payload) SELECT max(id), 'live' FROM " +
                   schema + ".orders");
            tx.commit();
            ++written;
        }
    });
    auto r = Stager(app().ownerPool(), app().config().migration_database_url).stage("busy");
    stop = true;
    writer.join();
    ASSERT_GT(written.load(), 0);
    int64_t orders = scalar("SELECT count(*) FROM t_busy_staging.orders");
    int64_t lines = scalar("SELECT count(*) FROM t_busy_staging.order_lines");
    EXPECT_EQ(orders, lines);
    EXPECT_GE(orders, 20000);
    std::cout << "[ figures  ] staged " << orders << " orders while " << written.load()
              << " pairs were written concurrently, in " << r.ms << " ms\n";
}

TEST_F(StageTest, RefusesToClobberOrStageAStagingCopy) {
    addTenant("main", "main.test");
    addTenant("main-staging", "other.test");  // a real tenant that happens to have that name
    auto r = cli({"tenant", "stage", "main"});
    EXPECT_EQ(r.rc, 1) << r;
    EXPECT_NE(r.err.find("not the staging copy of main"), std::string::npos) << r;

    addTenant("solo", "solo.test");
    ASSERT_EQ(cli({"tenant", "stage", "solo"}).rc, 0);
    auto again = cli({"tenant", "stage", "solo-staging"});
    EXPECT_EQ(again.rc, 1) << again;
    EXPECT_NE(again.err.find("itself a staging copy"), std::string::npos) << again;
    EXPECT_EQ(cli({"tenant", "stage", "nosuch"}).rc, 1);
    EXPECT_EQ(cli({"tenant", "stage"}).rc, 2);
}

}  // namespace agora::test
