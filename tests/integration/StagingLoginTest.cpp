// A staging copy holds production's data and production's members (copied by the stager).
// Signing in there must never make anyone a member: an outsider gets no membership, no member
// row in the copy and no session; production's admins still get in.
#include <gmock/gmock.h>

#include "accounts/AccountService.h"
#include "migrate/Stager.h"
#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

class StagingLoginTest : public IntegrationTest {};

TEST_F(StagingLoginTest, LoggingInOnStagingCreatesNoMembership) {
    auto& s = server();
    auto t = s.createTenant("stg");
    auto admin = s.createUser(t, "admin");
    auto outsider = TestServer::newUserDetails("out");
    {
        auto lease = s.db();
        outsider.id = AccountService::createAccount(
            *lease, {outsider.username, outsider.email, outsider.password, ""});
    }
    auto staged =
        Stager(s.app().ownerPool(), s.app().config().migration_database_url).stage(t.slug);
    ASSERT_FALSE(staged.hosts.empty());
    const std::string host = staged.hosts.front();
    ASSERT_TRUE(
        TestServer::waitFor([&] { return s.app().directory().byHost(host) != nullptr; }, 5000));

    auto memberships = [&] {
        return s.scalar("SELECT count(*) FROM network.memberships WHERE tenant_id = $1", staged.id);
    };
    auto members = [&] { return s.scalar("SELECT count(*) FROM " + staged.schema + ".members"); };
    auto sessions = [&] {
        return s.scalar(
            "SELECT count(*) FROM network.sessions WHERE tenant_id = $1 AND "
            "account_id = $2",
            staged.id, outsider.id);
    };
    int64_t memberships_before = memberships(), members_before = members();
    ASSERT_GE(memberships_before, 1) << "the stager copies production's memberships";

    auto api = s.client(host).post("/api/v1/session",
                                   {{"login", outsider.username}, {"password", outsider.password}});
    EXPECT_EQ(api.status, 403) << api;
    EXPECT_EQ(api.errorCode(), "staging_admins_only");
    EXPECT_EQ(api.header("Set-Cookie"), "");

    auto browser = s.client(host);
    auto csrf = browser.fetchCsrf("/login");
    auto form = browser.postForm(
        "/login", {{"_csrf", csrf}, {"login", outsider.email}, {"password", outsider.password}});
    EXPECT_EQ(form.status, 403) << form;
    EXPECT_FALSE(browser.hasCookie("agora_session"));

    EXPECT_EQ(memberships(), memberships_before);
    EXPECT_EQ(members(), members_before);
    EXPECT_EQ(sessions(), 0);
    EXPECT_EQ(
        s.scalar("SELECT count(*) FROM " + staged.schema + ".members WHERE id = $1", outsider.id),
        0);

    // Production's admin, a member of the copy, signs in and is let through.
    auto admin_login = s.client(host).post(
        "/api/v1/session", {{"login", admin.username}, {"password", admin.password}});
    ASSERT_EQ(admin_login.status, 200) << admin_login;
    auto as_admin = s.client(host).asUser(admin_login.json()["token"].get<std::string>());
    EXPECT_EQ(as_admin.get("/api/v1/admin/settings").status, 200);
    EXPECT_EQ(memberships(), memberships_before);
    EXPECT_EQ(members(), members_before);

    // Sign-up on staging is refused too, and writes no account.
    auto d = TestServer::newUserDetails("stg");
    auto signup =
        s.client(host)
            .asUser(admin_login.json()["token"].get<std::string>())
            .post("/api/v1/users",
                  {{"username", d.username}, {"email", d.email}, {"password", d.password}});
    EXPECT_EQ(signup.status, 403) << signup;
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.accounts WHERE username = $1", d.username), 0);
    EXPECT_EQ(memberships(), memberships_before);
}

}  // namespace

}  // namespace agora::test
