// Plugins as a tenant sees them: enabling one on a tenant runs its migrations there and
// nowhere else, its routes, slots and event handlers work only where it is enabled, and a
// plugin that throws or fails costs one request a 500, never the server.
#include <gmock/gmock.h>

#include "network/TenantService.h"
#include "support/IntegrationTest.h"
#include "util/Error.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PluginHostIntegrationTest : public IntegrationTest {
protected:
    bool hasTable(const TestTenant& t, const std::string& table) {
        return !server().text("SELECT to_regclass($1)::text", t.schema + "." + table).empty();
    }
    int64_t items(const TestTenant& t) {
        return server().scalar("SELECT count(*) FROM " + t.schema + ".fixture_items");
    }
    HttpResult setPlugin(HttpClient& admin, const std::string& name, bool enabled) {
        return admin.put("/api/v1/admin/plugins/" + name, {{"enabled", enabled}});
    }
};

TEST_F(PluginHostIntegrationTest, EnablingOnOneTenantLeavesAnotherUntouched) {
    auto& s = server();
    auto a = s.createTenant("plga");
    auto b = s.createTenant("plgb");
    auto admin = s.apiClient(a, s.createUser(a, "admin"));
    auto b_client = s.client(b);
    ASSERT_EQ(s.client(a).get("/api/v1/fixture/hello").status, 404) << "not enabled yet";
    ASSERT_FALSE(hasTable(a, "fixture_items"));
    auto b_before = s.networkState(b.id);

    auto r = setPlugin(admin, "fixture_good", true);
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["enabled"], true);
    EXPECT_EQ(r.json()["changed"], true);
    EXPECT_EQ(r.json()["version"], "1.2.3");

    // A: migrated, enable hook ran, routes answer.
    EXPECT_TRUE(hasTable(a, "fixture_items"));
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.schema_migrations WHERE target = $1 AND "
                       "step = 'fixture_good/001_items.sql'",
                       a.schema),
              1);
    auto hello = s.client(a).get("/api/v1/fixture/hello");
    ASSERT_EQ(hello.status, 200) << hello;
    EXPECT_EQ(hello.json()["items"][0]["n"], 1) << "the enable hook adds one row";
    EXPECT_EQ(hello.json()["settings"]["fixture_good.greeting"], "hello");
    EXPECT_EQ(hello.json()["tenant"], a.slug);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'plugin.enable' AND target = 'fixture_good'",
                       a.id),
              1);

    // B: nothing changed at all.
    EXPECT_EQ(b_client.get("/api/v1/fixture/hello").status, 404);
    EXPECT_FALSE(hasTable(b, "fixture_items"));
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.schema_migrations WHERE target = $1 AND "
                       "step LIKE 'fixture_good/%'",
                       b.schema),
              0);
    EXPECT_EQ(s.networkState(b.id), b_before);

    // Listing shows the state; enabling again is a no-op.
    auto list = admin.get("/api/v1/admin/plugins");
    ASSERT_EQ(list.status, 200) << list;
    bool found = false;
    auto listed = list.json();
    for (const auto& item : listed["items"])
        if (item["name"] == "fixture_good") {
            found = true;
            EXPECT_EQ(item["enabled"], true);
        }
    EXPECT_TRUE(found) << list;
    EXPECT_EQ(setPlugin(admin, "fixture_good", true).json()["changed"], false);

    // Disabling hides the routes and keeps the data.
    auto off = setPlugin(admin, "fixture_good", false);
    ASSERT_EQ(off.status, 200) << off;
    EXPECT_EQ(off.json()["enabled"], false);
    EXPECT_EQ(s.client(a).get("/api/v1/fixture/hello").status, 404);
    EXPECT_TRUE(hasTable(a, "fixture_items"));
    EXPECT_EQ(items(a), 1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'plugin.disable'",
                       a.id),
              1);
    ASSERT_EQ(setPlugin(admin, "fixture_good", true).status, 200);
    EXPECT_EQ(items(a), 2) << "enabled again: the old row is still there, the hook added one";
}

TEST_F(PluginHostIntegrationTest, AdminPageListsPluginsAndTogglesThem) {
    auto& s = server();
    auto t = s.createTenant("plgpage");
    auto browser = s.browserClient(t, s.createUser(t, "admin"));
    auto page = browser.get("/admin");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("action=\"/admin/plugins/fixture_good\""));
    EXPECT_THAT(page.body, Not(HasSubstr("fixture_good.greeting")))
        << "a plugin's settings show only where it is enabled";
    auto on = browser.postForm("/admin/plugins/fixture_good",
                               {{"_csrf", page.csrfMeta()}, {"enabled", "1"}});
    EXPECT_EQ(on.status, 303) << on;
    EXPECT_TRUE(hasTable(t, "fixture_items"));
    auto after = browser.get("/admin");
    EXPECT_THAT(after.body, HasSubstr("fixture_good.greeting"));
    EXPECT_THAT(after.body, HasSubstr("fixture-nav")) << "its nav slot shows too";
}

TEST_F(PluginHostIntegrationTest, AdminApiRefusesWhatItShould) {
    auto& s = server();
    auto t = s.createTenant("plgr");
    auto admin = s.apiClient(t, s.createUser(t, "admin"));
    auto member = s.apiClient(t, s.createUser(t));
    auto unknown = setPlugin(admin, "no_such_plugin", true);
    EXPECT_EQ(unknown.status, 404) << unknown;
    EXPECT_EQ(setPlugin(member, "fixture_good", true).status, 403);
    EXPECT_EQ(member.get("/api/v1/admin/plugins").status, 403);
    EXPECT_EQ(s.client(t).get("/api/v1/admin/plugins").status, 401);
    auto bad = admin.put("/api/v1/admin/plugins/fixture_good", {{"enabled", "yes"}});
    EXPECT_EQ(bad.status, 422) << bad;
    EXPECT_EQ(bad.errorField(), "enabled");
    EXPECT_FALSE(hasTable(t, "fixture_items"));
}

TEST_F(PluginHostIntegrationTest, PluginWritesEventsAndAuditShareOneTransaction) {
    auto& s = server();
    auto t = s.createTenant("plgtx", [](TenantFile& f) { f.plugins = {"fixture_good"}; });
    auto member = s.apiClient(t, s.createUser(t));
    ASSERT_EQ(items(t), 1) << "tenant add ran the migrations and the enable hook";

    auto created = member.post("/api/v1/fixture/items", {{"label", "first"}});
    ASSERT_EQ(created.status, 201) << created;
    EXPECT_EQ(created.json()[0]["label"], "first");
    EXPECT_EQ(items(t), 3) << "the item and the subscriber's row";
    EXPECT_EQ(
        s.scalar("SELECT count(*) FROM " + t.schema + ".fixture_items WHERE label = 'seen: first'"),
        1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'fixture_good.item.add' AND target = 'first'",
                       t.id),
              1);

    // A route that fails after writing leaves nothing: item, subscriber row and audit row.
    auto refused = member.post("/api/v1/fixture/items", {{"label", "rollback"}});
    EXPECT_EQ(refused.status, 409) << refused;
    EXPECT_EQ(refused.errorCode(), "rolled_back");
    EXPECT_EQ(items(t), 3);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND target "
                       "= 'rollback'",
                       t.id),
              0);

    auto invalid = member.post("/api/v1/fixture/items", json::object());
    EXPECT_EQ(invalid.status, 422) << invalid;
    EXPECT_EQ(invalid.errorField(), "label");
    EXPECT_EQ(s.client(t).post("/api/v1/fixture/items", {{"label", "x"}}).status, 401);
}

TEST_F(PluginHostIntegrationTest, SlotsAndPagesRenderOnlyWhereEnabled) {
    auto& s = server();
    auto on = s.createTenant("plgon", [](TenantFile& f) { f.plugins = {"fixture_good"}; });
    auto off = s.createTenant("plgoff");
    auto home_on = s.client(on).get("/");
    ASSERT_EQ(home_on.status, 200) << home_on;
    EXPECT_THAT(home_on.body, HasSubstr("fixture-nav"));
    auto home_off = s.client(off).get("/");
    ASSERT_EQ(home_off.status, 200);
    EXPECT_THAT(home_off.body, Not(HasSubstr("fixture-nav")));

    auto page = s.client(on).get("/fixture");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("<h1 class=\"fixture\">Hello from a plugin</h1>"));
    EXPECT_THAT(page.body, HasSubstr("<title>Fixture"));  // inside the theme's layout
    EXPECT_EQ(s.client(off).get("/fixture").status, 404);
}

TEST_F(PluginHostIntegrationTest, AThrowingPluginCostsOneRequestNotTheServer) {
    auto& s = server();
    auto t = s.createTenant("plgthrow", [](TenantFile& f) { f.plugins = {"fixture_throw"}; });
    auto c = s.client(t);
    for (const char* path :
         {"/api/v1/fixture/throw", "/api/v1/fixture/error", "/api/v1/fixture/silent"}) {
        auto r = c.get(path);
        EXPECT_EQ(r.status, 500) << path << ": " << r;
        EXPECT_EQ(r.errorCode(), "internal") << path;
        EXPECT_THAT(r.body, Not(HasSubstr("exploded"))) << "details stay in the log";
    }
    // Still serving, this tenant and others.
    EXPECT_EQ(c.get("/login").status, 200);
    EXPECT_EQ(c.get("/healthz").status, 200);
    auto other = s.createTenant("plgcalm");
    EXPECT_EQ(s.client(other).get("/").status, 200);
    EXPECT_EQ(c.get("/api/v1/fixture/throw").status, 500) << "and it stays contained";
}

TEST_F(PluginHostIntegrationTest, TenantFilesNameOnlyLoadedPlugins) {
    auto& s = server();
    try {
        s.createTenant("plgbad", [](TenantFile& f) { f.plugins = {"no_such_plugin"}; });
        FAIL() << "an unknown plugin name was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "plugins");
        EXPECT_THAT(e.what(), HasSubstr("no_such_plugin"));
        EXPECT_THAT(e.what(), HasSubstr("fixture_good"));  // the message lists what exists
    }
    // apply() enables (migrations + hook) a plugin added to an existing tenant's file.
    auto t = s.createTenant("plgapply");
    TenantService svc(s.app(), s.app().plugins());
    auto file = svc.exportFile(t.slug);
    file.plugins = {"fixture_good"};
    EXPECT_TRUE(svc.apply(file));
    EXPECT_TRUE(hasTable(t, "fixture_items"));
    EXPECT_EQ(items(t), 1);
    EXPECT_FALSE(svc.apply(file));
    EXPECT_EQ(items(t), 1) << "re-applying the same file runs no hook again";
}

}  // namespace

}  // namespace agora::test
