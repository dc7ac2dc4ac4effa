// Password change and the sessions list (SPEC §5.1): changing the password needs the current
// one and signs out every other session; a member sees where they are signed in and can sign
// any of those out.
#include <gmock/gmock.h>

#include "accounts/AccountTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SessionsTest : public AccountTest {
protected:
    void SetUp() override {
        AccountTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("sess");
    }
    TestTenant tenant_;
};

TEST_F(SessionsTest, PasswordChangeRevokesTheOtherSessionsOnly) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto here = s.apiClient(tenant_, u);
    auto there = s.apiClient(tenant_, u);
    auto browser = s.browserClient(tenant_, u);
    auto elsewhere_tenant = s.createTenant("sess2");
    auto elsewhere = s.apiClient(elsewhere_tenant, u);

    std::string hash_before =
        s.text("SELECT password_hash FROM network.accounts WHERE id = $1", u.id);
    auto wrong = here.put("/api/v1/me/password", {{"current_password", "not it at all"},
                                                  {"new_password", "a new password"}});
    EXPECT_EQ(wrong.status, 422) << wrong;
    EXPECT_EQ(wrong.errorField(), "current_password");
    auto weak = here.put("/api/v1/me/password",
                         {{"current_password", u.password}, {"new_password", "short"}});
    EXPECT_EQ(weak.status, 422) << weak;
    EXPECT_EQ(weak.errorField(), "new_password");
    EXPECT_EQ(s.text("SELECT password_hash FROM network.accounts WHERE id = $1", u.id),
              hash_before);
    EXPECT_EQ(there.get("/api/v1/me").status, 200) << "refusals revoke nothing";

    auto ok = here.put("/api/v1/me/password",
                       {{"current_password", u.password}, {"new_password", "a new password"}});
    ASSERT_EQ(ok.status, 200) << ok;
    EXPECT_GE(ok.json()["revoked_sessions"].get<int64_t>(), 3);
    EXPECT_EQ(here.get("/api/v1/me").status, 200) << "the session that changed it stays";
    EXPECT_EQ(there.get("/api/v1/me").status, 401);
    EXPECT_EQ(browser.get("/api/v1/me").status, 401);
    EXPECT_EQ(elsewhere.get("/api/v1/me").status, 401) << "other communities' sessions too";
    EXPECT_EQ(s.client(tenant_)
                  .post("/api/v1/session", {{"login", u.username}, {"password", "a new password"}})
                  .status,
              200);
}

TEST_F(SessionsTest, ListShowsSessionsWithoutSecretsAndRevokesOne) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto stranger = s.createUser(tenant_);
    auto mine = s.apiClient(tenant_, u);
    auto other = s.client(tenant_);
    other.setHeader("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0");
    auto login = other.post("/api/v1/session", {{"login", u.username}, {"password", u.password}});
    ASSERT_EQ(login.status, 200);
    auto other_api = other.anonymous().asUser(login.json()["token"].get<std::string>());

    auto r = mine.get("/api/v1/me/sessions");
    ASSERT_EQ(r.status, 200) << r;
    auto items = r.json()["items"];
    ASSERT_GE(items.size(), 3u);  // each login opens a bearer token and a cookie session
    int current = 0;
    std::string firefox_bearer;
    for (const auto& it : items) {
        current += it["current"].get<bool>();
        EXPECT_EQ(it["community"]["id"], tenant_.id);
        EXPECT_FALSE(it["last_used_at"].get<std::string>().empty());
        EXPECT_EQ(it["address"], "127.0.0.1");
        if (it["device"] == "Firefox on Linux" && it["kind"] == "bearer")
            firefox_bearer = it["id"].get<std::string>();
    }
    EXPECT_EQ(current, 1);
    ASSERT_FALSE(firefox_bearer.empty()) << r;
    // No secret and no hash of one in the answer.
    auto hashes = s.db()->q("SELECT token_hash FROM network.sessions WHERE account_id = $1", u.id);
    for (int i = 0; i < hashes.rows(); ++i)
        EXPECT_THAT(r.body, Not(HasSubstr(hashes.str(i, 0))));
    EXPECT_THAT(r.body, Not(HasSubstr(mine.token())));

    // Someone else's session id is not ours to revoke.
    auto stranger_api = s.apiClient(tenant_, stranger);
    auto theirs = stranger_api.del("/api/v1/me/sessions/" + firefox_bearer);
    EXPECT_EQ(theirs.status, 404) << theirs;
    EXPECT_EQ(other_api.get("/api/v1/me").status, 200);

    auto revoked = mine.del("/api/v1/me/sessions/" + firefox_bearer);
    EXPECT_EQ(revoked.status, 200) << revoked;
    EXPECT_EQ(other_api.get("/api/v1/me").status, 401);
    EXPECT_EQ(mine.get("/api/v1/me").status, 200);
    EXPECT_EQ(mine.del("/api/v1/me/sessions/" + firefox_bearer).status, 404);
}

TEST_F(SessionsTest, LastUseIsRecordedAtMostEveryFewMinutes) {
    auto& s = server();
    auto u = s.createUser(tenant_);
    auto api = s.apiClient(tenant_, u);
    auto lastUsedAge = [&] {
        return s.scalar(
            "SELECT extract(epoch FROM now() - last_used_at)::bigint FROM network.sessions "
            "WHERE account_id = $1 AND kind = 'bearer'",
            u.id);
    };
    {
        auto lease = s.db();
        lease->q(
            "UPDATE network.sessions SET last_used_at = now() - interval '1 hour' "
            "WHERE account_id = $1",
            u.id);
    }
    ASSERT_EQ(api.get("/api/v1/me").status, 200);
    EXPECT_LT(lastUsedAge(), 60) << "an hour-old use is refreshed";
    {
        auto lease = s.db();
        lease->q(
            "UPDATE network.sessions SET last_used_at = now() - interval '2 minutes' "
            "WHERE account_id = $1",
            u.id);
    }
    ASSERT_EQ(api.get("/api/v1/me").status, 200);
    EXPECT_GE(lastUsedAge(), 115) << "a recent use is not written again";
}

}  // namespace

}  // namespace agora::test
