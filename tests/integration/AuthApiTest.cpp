// Sign-up, login and logout through the JSON API (SPEC §4 core API).
#include <gmock/gmock.h>

#include <algorithm>

#include "accounts/AccountService.h"
#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuthApiTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("auth");
    }

    int64_t accountsNamed(const std::string& username) {
        return server().scalar(
            "SELECT count(*) FROM network.accounts WHERE lower(username) = lower($1)", username);
    }
    int64_t accountsWithEmail(const std::string& email) {
        return server().scalar(
            "SELECT count(*) FROM network.accounts WHERE lower(email) = "
            "lower($1)",
            email);
    }

    TestTenant tenant_;
};

TEST_F(AuthApiTest, SignupCreatesAccountAndMembership) {
    auto& s = server();
    auto u = TestServer::newUserDetails();
    auto r = s.client(tenant_).post(
        "/api/v1/users", {{"username", u.username}, {"email", u.email}, {"password", u.password}});
    ASSERT_EQ(r.status, 201) << r;
    auto user = r.json();
    EXPECT_EQ(user["username"], u.username);
    EXPECT_EQ(user["role"], "member");
    int64_t id = user["id"].get<int64_t>();
    EXPECT_GT(id, 0);
    EXPECT_EQ(r.header("Location"), "/api/v1/users/" + std::to_string(id));
    EXPECT_THAT(r.body, Not(HasSubstr(u.password)));
    EXPECT_THAT(r.body, Not(HasSubstr("password_hash")));

    EXPECT_EQ(accountsNamed(u.username), 1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.memberships WHERE account_id = $1 AND "
                       "tenant_id = $2",
                       id, tenant_.id),
              1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + tenant_.schema + ".members WHERE id = $1", id), 1);
    // The stored password is a hash, never the password.
    EXPECT_THAT(s.text("SELECT password_hash FROM network.accounts WHERE id = $1", id),
                HasSubstr("$argon2id$"));
    // And the new account can log in.
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", u.username}, {"password", u.password}})
                  .status,
              200);
}

TEST_F(AuthApiTest, SignupConflictsAndInvalidFieldsWriteNothing) {
    auto& s = server();
    auto c = s.client(tenant_);
    auto taken = s.createUser(tenant_);
    auto before = s.networkState(tenant_.id);

    // Same username in another case, fresh email.
    std::string shouting = taken.username;
    std::transform(shouting.begin(), shouting.end(), shouting.begin(), ::toupper);
    auto fresh = TestServer::newUserDetails();
    auto dup =
        c.post("/api/v1/users",
               {{"username", shouting}, {"email", fresh.email}, {"password", "long-enough"}});
    EXPECT_EQ(dup.status, 409) << dup;
    EXPECT_EQ(dup.errorCode(), "username_taken");
    EXPECT_EQ(accountsWithEmail(fresh.email), 0);

    // Fresh username, taken email.
    auto dup_email =
        c.post("/api/v1/users",
               {{"username", fresh.username}, {"email", taken.email}, {"password", "long-enough"}});
    EXPECT_EQ(dup_email.status, 409) << dup_email;
    EXPECT_EQ(dup_email.errorCode(), "email_taken");
    EXPECT_EQ(accountsNamed(fresh.username), 0);

    struct Bad {
        const char* field;
        json body;
    };
    for (const auto& bad : {
             Bad{"email",
                 {{"username", fresh.username},
                  {"email", "not-an-email"},
                  {"password", "long-enough"}}},
             Bad{"username",
                 {{"username", "a b"}, {"email", fresh.email}, {"password", "long-enough"}}},
             Bad{"password",
                 {{"username", fresh.username}, {"email", fresh.email}, {"password", "short"}}},
         }) {
        auto r = c.post("/api/v1/users", bad.body);
        EXPECT_EQ(r.status, 422) << bad.field << ": " << r;
        EXPECT_EQ(r.errorCode(), "invalid") << bad.field;
        EXPECT_EQ(r.errorField(), bad.field) << r;
        EXPECT_FALSE(r.errorMessage().empty());
    }
    EXPECT_EQ(accountsNamed(fresh.username), 0);
    EXPECT_EQ(accountsWithEmail(fresh.email), 0);
    EXPECT_EQ(s.networkState(tenant_.id), before);

    auto malformed = c.send("POST", "/api/v1/users", "{not json", "application/json");
    EXPECT_EQ(malformed.status, 400) << malformed;
    EXPECT_EQ(malformed.errorCode(), "bad_request");
}

TEST_F(AuthApiTest, LoginGivesTokenAndCookieByUsernameOrEmail) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    for (const auto& login : {u.username, u.email}) {
        auto c = s.client(tenant_);
        auto r = c.post("/api/v1/session", {{"login", login}, {"password", u.password}});
        ASSERT_EQ(r.status, 200) << login << ": " << r;
        auto body = r.json();
        EXPECT_FALSE(body["token"].get<std::string>().empty());
        EXPECT_EQ(body["user"]["id"], u.id);
        EXPECT_EQ(body["user"]["username"], u.username);
        EXPECT_TRUE(c.hasCookie("agora_session")) << login;
        EXPECT_THAT(r.header("Set-Cookie"), HasSubstr("HttpOnly"));
        // The token works on its own, without the cookie.
        auto me = s.client(tenant_)
                      .asUser(body["token"].get<std::string>())
                      .get("/api/v1/admin/settings");
        EXPECT_EQ(me.status, 403) << "a signed-in member, not an admin: " << me;
    }
}

TEST_F(AuthApiTest, WrongPasswordAndUnknownUserLookTheSame) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto before = s.networkState(tenant_.id);
    auto wrong = s.client(tenant_).post("/api/v1/session",
                                        {{"login", u.username}, {"password", "not-the-password"}});
    auto unknown = s.client(tenant_).post(
        "/api/v1/session",
        {{"login", "nobody_" + TestServer::uniqueSuffix()}, {"password", "not-the-password"}});
    EXPECT_EQ(wrong.status, 401) << wrong;
    EXPECT_EQ(unknown.status, wrong.status);
    EXPECT_EQ(unknown.body, wrong.body);
    EXPECT_EQ(wrong.header("Set-Cookie"), "");
    EXPECT_EQ(unknown.header("Set-Cookie"), "");
    EXPECT_EQ(s.networkState(tenant_.id), before) << "a failed login must not write a session";
}

TEST_F(AuthApiTest, LogoutRevokesOnlyThatToken) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto first = s.client(tenant_).asUser(s.login(tenant_, u));
    auto second = s.client(tenant_).asUser(s.login(tenant_, u));
    ASSERT_EQ(first.get("/api/v1/admin/settings").status, 403);

    auto out = first.del("/api/v1/session");
    ASSERT_EQ(out.status, 200) << out;
    EXPECT_EQ(out.json()["signed_out"], true);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.sessions WHERE token_hash = $1 AND "
                       "revoked_at IS NOT NULL",
                       AccountService::hashToken(first.token())),
              1);

    auto after = first.get("/api/v1/admin/settings");
    EXPECT_EQ(after.status, 401) << after;
    EXPECT_EQ(first.del("/api/v1/session").status, 401);
    EXPECT_EQ(second.get("/api/v1/admin/settings").status, 403)
        << "another token of the same account must survive";
}

}  // namespace

}  // namespace agora::test
