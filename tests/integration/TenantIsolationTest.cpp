// A session or token is valid only on the tenant that issued it (SPEC §4), and roles are per
// tenant.
#include "accounts/AccountService.h"
#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

class TenantIsolationTest : public IntegrationTest {};

TEST_F(TenantIsolationTest, CredentialsFromOneTenantAre401OnAnother) {
    auto& s = server();
    auto a = s.createTenant("iso-a");
    auto b = s.createTenant("iso-b");
    auto admin = s.createUser(a, "admin");

    // Signing in on A through the API gives both a bearer token and a session cookie.
    auto on_a = s.client(a);
    auto login =
        on_a.post("/api/v1/session", {{"login", admin.username}, {"password", admin.password}});
    ASSERT_EQ(login.status, 200) << login;
    auto token = login.json()["token"].get<std::string>();
    ASSERT_TRUE(on_a.hasCookie("agora_session"));
    auto bearer_a = s.client(a).asUser(token);
    ASSERT_EQ(bearer_a.get("/api/v1/admin/settings").status, 200);
    ASSERT_EQ(on_a.get("/api/v1/admin/settings").status, 200) << "cookie session on A";

    auto b_before = s.networkState(b.id);
    auto bearer_on_b = bearer_a.onHost(b.host);
    auto cookie_on_b = on_a.onHost(b.host);
    for (auto* c : {&bearer_on_b, &cookie_on_b}) {
        const char* how = c == &bearer_on_b ? "bearer token" : "session cookie";
        auto settings = c->get("/api/v1/admin/settings");
        EXPECT_EQ(settings.status, 401) << how << ": " << settings;
        EXPECT_EQ(settings.errorCode(), "unauthorized") << how;
        auto logout = c->del("/api/v1/session");
        EXPECT_EQ(logout.status, 401) << how << ": " << logout;
        auto put = c->put("/api/v1/admin/settings", {{"site.tagline", "from A"}});
        EXPECT_EQ(put.status, 401) << how << ": " << put;
    }

    // The attempts on B changed nothing there (no membership, no setting, no session) and did
    // not revoke the credentials on A.
    EXPECT_EQ(s.networkState(b.id), b_before);
    EXPECT_EQ(bearer_a.get("/api/v1/admin/settings").status, 200);
    EXPECT_EQ(on_a.get("/api/v1/admin/settings").status, 200);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.sessions WHERE account_id = $1 AND "
                       "revoked_at IS NOT NULL",
                       admin.id),
              0);
}

TEST_F(TenantIsolationTest, AdminOfOneTenantIsAMemberElsewhere) {
    auto& s = server();
    auto a = s.createTenant("role-a");
    auto b = s.createTenant("role-b");
    auto admin = s.createUser(a, "admin");

    // Logging in on B works (accounts are network-wide) and makes the account a member there,
    // but A's admin role does not come along.
    auto on_b = s.apiClient(b, admin);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.memberships WHERE account_id = $1 AND "
                       "tenant_id = $2",
                       admin.id, b.id),
              1);
    auto r = on_b.get("/api/v1/admin/settings");
    EXPECT_EQ(r.status, 403) << r;
    EXPECT_EQ(r.errorCode(), "admin_required");
    EXPECT_EQ(s.apiClient(a, admin).get("/api/v1/admin/settings").status, 200);
}

}  // namespace

}  // namespace agora::test
