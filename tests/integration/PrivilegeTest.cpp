// Least privilege in the database: requests run as a role that can change no schema, and a
// plugin's SQL is kept inside its own tenant's schema by PostgreSQL itself, whatever SQL it
// sends. ops/test always runs with the roles split (AGORA_MIGRATION_DATABASE_URL set).
#include <gmock/gmock.h>

#include <cstdlib>

#include "db/PgConnection.h"
#include "support/IntegrationTest.h"
#include "tenancy/TenantRoles.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class PrivilegeTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        ASSERT_TRUE(server().app().config().splitRoles())
            << "AGORA_MIGRATION_DATABASE_URL must name another role than AGORA_DATABASE_URL "
               "(ops/test sets both)";
    }

    // SQLSTATE of running `sql` as the application role ("" when it succeeded).
    std::string asApp(const std::string& sql) {
        auto lease = server().app().pool().acquire();
        try {
            lease->exec(sql);
            return "";
        } catch (const db::PgError& e) {
            return e.sqlstate();
        }
    }

    // What the fixture plugin got for `sql`: {"rows": [...]} or {"error": "..."}.
    json pluginSql(HttpClient& api, const std::string& sql) {
        auto r = api.post("/api/v1/fixture/sql", {{"sql", sql}});
        EXPECT_EQ(r.status, 200) << r;
        return r.status == 200 ? r.json() : json{{"error", r.body}};
    }

    TestTenant pluginTenant(const std::string& prefix) {
        return server().createTenant(prefix, [](TenantFile& f) { f.plugins = {"fixture_good"}; });
    }
};

TEST_F(PrivilegeTest, RequestsRunAsARoleThatCanChangeNoSchema) {
    auto& s = server();
    auto t = s.createTenant("priv");
    auto lease = s.app().pool().acquire();
    auto me = lease->q(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user");
    EXPECT_EQ(me.str(0, 0), "f") << "the application role is a superuser";
    EXPECT_EQ(me.str(0, 1), "f");
    EXPECT_EQ(me.str(0, 2), "f");
    // It reads and writes what requests need...
    EXPECT_EQ(asApp("SELECT count(*) FROM network.tenants"), "");
    EXPECT_EQ(asApp("SELECT count(*) FROM " + t.schema + ".members"), "");
    // ...and changes no schema: not the network's, not a tenant's, not a new one.
    EXPECT_EQ(asApp("CREATE TABLE network.evil (id int)"), "42501");
    EXPECT_EQ(asApp("ALTER TABLE network.accounts ADD COLUMN evil int"), "42501");
    EXPECT_EQ(asApp("DROP TABLE " + t.schema + ".members"), "42501");
    EXPECT_EQ(asApp("CREATE TABLE " + t.schema + ".evil (id int)"), "42501");
    EXPECT_EQ(asApp("CREATE SCHEMA evil"), "42501");
    EXPECT_EQ(asApp("TRUNCATE network.audit_log"), "42501");
    // The migration ledger is the migration role's to write.
    EXPECT_EQ(asApp("DELETE FROM network.schema_migrations WHERE false"), "42501");
    EXPECT_EQ(s.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'evil'"),
              0);
}

TEST_F(PrivilegeTest, EveryTenantGetsItsOwnRoleWithRightsOnItsSchemaOnly) {
    auto& s = server();
    auto a = s.createTenant("rolea");
    auto b = s.createTenant("roleb");
    auto role = TenantRoles::roleFor(a.schema);
    EXPECT_EQ(s.app().directory().byId(a.id)->db_role, role);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM pg_roles WHERE rolname = $1 AND NOT rolcanlogin AND "
                       "NOT rolsuper",
                       role),
              1);
    auto can = [&](const std::string& what, const std::string& object, const std::string& priv) {
        return s.text("SELECT has_" + what + "_privilege($1, $2, $3)::text", role, object, priv);
    };
    EXPECT_EQ(can("schema", a.schema, "USAGE"), "true");
    EXPECT_EQ(can("table", a.schema + ".members", "SELECT"), "true");
    EXPECT_EQ(can("table", a.schema + ".posts", "INSERT"), "true");
    EXPECT_EQ(can("schema", a.schema, "CREATE"), "false");
    EXPECT_EQ(can("schema", "network", "USAGE"), "false");
    EXPECT_EQ(can("schema", b.schema, "USAGE"), "false");
    EXPECT_EQ(can("table", b.schema + ".members", "SELECT"), "false");
}

TEST_F(PrivilegeTest, PluginSqlIsConfinedToItsTenantsSchema) {
    auto& s = server();
    auto t = pluginTenant("confine");
    auto other = s.createTenant("confother");
    auto api = s.apiClient(t, s.createUser(t));

    // Its own schema works: reads, writes, sequences (the enable hook inserted a row).
    auto own = pluginSql(api, "SELECT count(*)::int AS n FROM fixture_items");
    ASSERT_TRUE(own.contains("rows")) << own;
    EXPECT_EQ(own["rows"][0]["n"], 1);
    auto wrote = pluginSql(api, "INSERT INTO fixture_items (label) VALUES ('mine') RETURNING id");
    EXPECT_TRUE(wrote.contains("rows")) << wrote;
    auto who = pluginSql(api, "SELECT current_user AS u");
    EXPECT_EQ(who["rows"][0]["u"], TenantRoles::roleFor(t.schema)) << who;

    // The network's secrets and credentials, and another community's rows: the database says no.
    for (const std::string& sql : std::vector<std::string>{
             "SELECT * FROM network.secrets", "SELECT password_hash FROM network.accounts",
             "SELECT * FROM network.sessions", "SELECT * FROM " + other.schema + ".members",
             "UPDATE " + other.schema + ".members SET display_name = 'x'",
             "SELECT * FROM " + t.schema + ".members m JOIN " + other.schema +
                 ".members o ON true"}) {
        auto r = pluginSql(api, sql);
        EXPECT_FALSE(r.contains("rows")) << sql << " → " << r;
        EXPECT_THAT(r.value("error", ""), HasSubstr("permission denied")) << sql;
    }

    // Ways out of the role: refused by the host before PostgreSQL sees them...
    for (const std::string& sql : std::vector<std::string>{
             "RESET ROLE", "SET ROLE NONE", "set role agora_app",
             "/* hi */ SET SESSION AUTHORIZATION DEFAULT", "SET search_path TO network",
             "DO $$BEGIN RESET ROLE; END$$", "-- x\nRESET ALL",
             "CREATE TABLE fixture_evil (id int)", "DISCARD ALL", "COPY fixture_items TO STDOUT"}) {
        auto r = pluginSql(api, sql);
        EXPECT_FALSE(r.contains("rows")) << sql << " → " << r;
        EXPECT_THAT(r.value("error", ""), HasSubstr("db_query runs SELECT")) << sql;
    }
    // ...and the function that could do it from inside a SELECT is not the tenant role's.
    for (const std::string& sql : std::vector<std::string>{
             "SELECT set_config('role', 'agora_app', false)",
             "SELECT pg_catalog.set_config('role', current_setting('is_superuser'), true)",
             "WITH x AS (SELECT set_config('search_path', 'network', false)) SELECT * FROM x",
             "SELECT query_to_xml('select set_config(''role'', session_user, false)', true, false, "
             "'')"}) {
        auto r = pluginSql(api, sql);
        EXPECT_FALSE(r.contains("rows")) << sql << " → " << r;
        EXPECT_THAT(r.value("error", ""), HasSubstr("permission denied for function set_config"))
            << sql;
    }
    // Nothing leaked into the next statement or the pooled connections.
    EXPECT_EQ(pluginSql(api, "SELECT current_user AS u")["rows"][0]["u"],
              TenantRoles::roleFor(t.schema));
    EXPECT_TRUE(pluginSql(api, "SELECT * FROM network.secrets").contains("error"));
    for (int i = 0; i < 20; ++i)
        ASSERT_EQ(asApp("SELECT 1 FROM network.tenants LIMIT 1"), "") << "a pooled connection "
                                                                         "kept a tenant role";
    EXPECT_EQ(
        s.scalar("SELECT count(*) FROM " + other.schema + ".members WHERE display_name = 'x'"), 0);
}

}  // namespace

}  // namespace agora::test
