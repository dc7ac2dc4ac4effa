// A staging tenant is a copy of a real community with its real members' addresses: nothing an
// account does there may mail anyone. And a copy holds a copy of each member's row, so deleting
// an account anonymises it there too.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"
#include "migrate/Stager.h"

namespace agora::test {

namespace {

class StagingMailTest : public AccountTest {
protected:
    // Stages `t` and returns the copy's host, once this server's directory serves it.
    std::pair<int64_t, std::string> stage(const TestTenant& t, std::string* schema = nullptr) {
        auto& s = server();
        auto staged =
            Stager(s.app().ownerPool(), s.app().config().migration_database_url).stage(t.slug);
        std::string host = staged.hosts.front();
        if (!TestServer::waitFor([&] { return s.app().directory().byHost(host) != nullptr; }, 5000))
            throw std::runtime_error("staging copy never served");
        if (schema)
            *schema = staged.schema;
        return {staged.id, host};
    }
};

TEST_F(StagingMailTest, NothingIsQueuedFromAStagingCopy) {
    auto& s = server();
    auto t = s.createTenant("stmail");
    auto admin = s.createUser(t, "admin");
    auto [staged_id, host] = stage(t);
    auto login = s.client(host).post("/api/v1/session",
                                     {{"login", admin.username}, {"password", admin.password}});
    ASSERT_EQ(login.status, 200) << login;
    auto api = s.client(host).asUser(login.json()["token"].get<std::string>());
    int64_t outbox_before = s.scalar("SELECT count(*) FROM network.mail_outbox");

    EXPECT_EQ(api.post("/api/v1/me/email-verification").status, 202);
    EXPECT_EQ(api.post("/api/v1/password-reset", {{"login", admin.username}}).status, 202);
    std::string fresh = "staged-" + TestServer::uniqueSuffix() + "@example.org";
    EXPECT_EQ(api.put("/api/v1/me/email", {{"email", fresh}, {"password", admin.password}}).status,
              202);

    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox"), outbox_before);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.mail_outbox WHERE tenant_id = $1", staged_id),
              0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.account_tokens WHERE account_id = $1 AND "
                       "purpose = 'reset'",
                       admin.id),
              0);
    // The same requests on the live community do mail.
    auto live = s.apiClient(t, admin);
    EXPECT_EQ(live.post("/api/v1/me/email-verification").status, 202);
    EXPECT_EQ(queued(admin.email, "verify"), 1);
}

TEST_F(StagingMailTest, DeletionAnonymisesTheStagingCopyToo) {
    auto& s = server();
    auto t = s.createTenant("stdel");
    auto admin = s.createUser(t, "admin");
    auto u = s.createUser(t);
    std::string copy;
    stage(t, &copy);
    ASSERT_EQ(s.text("SELECT display_name FROM " + copy + ".members WHERE id = $1", u.id),
              s.text("SELECT display_name FROM " + t.schema + ".members WHERE id = $1", u.id));
    auto api = s.apiClient(t, u);
    auto r = sendJson(api, "DELETE", "/api/v1/me", {{"password", u.password}});
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(s.text("SELECT display_name FROM " + copy + ".members WHERE id = $1", u.id),
              "deleted member");
    EXPECT_EQ(s.text("SELECT display_name FROM " + t.schema + ".members WHERE id = $1", u.id),
              "deleted member");
    EXPECT_EQ(s.text("SELECT display_name FROM " + t.schema + ".members WHERE id = $1", admin.id),
              s.text("SELECT display_name FROM network.accounts WHERE id = $1", admin.id))
        << "nobody else is touched";
}

}  // namespace

}  // namespace agora::test
