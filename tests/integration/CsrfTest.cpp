// Requests that carry ambient credentials (cookies) or come from a form must carry the
// matching CSRF token; bearer-token API calls need none.
#include <gmock/gmock.h>

#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class CsrfTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("csrf");
        user_ = server().createUser(tenant_, "admin");
    }
    TestTenant tenant_;
    TestUser user_;
};

TEST_F(CsrfTest, LoginFormWithoutTokenIsRefused) {
    auto& s = server();
    auto before = s.networkState(tenant_.id);
    auto c = s.client(tenant_);
    c.fetchCsrf("/login");  // has the seed cookie, just doesn't send the token
    Form form = {{"login", user_.username}, {"password", user_.password}};

    auto api_style = c.postForm("/login", form, {{"Accept", "application/json"}});
    EXPECT_EQ(api_style.status, 403) << api_style;
    EXPECT_EQ(api_style.errorCode(), "csrf");

    auto html = c.postForm("/login", form);
    EXPECT_EQ(html.status, 403) << html;
    EXPECT_THAT(html.body, HasSubstr("<html"));
    EXPECT_THAT(html.body, HasSubstr("reload and try again"));

    EXPECT_FALSE(c.hasCookie("agora_session"));
    EXPECT_EQ(s.networkState(tenant_.id), before) << "a refused login must not start a session";
}

TEST_F(CsrfTest, TokenOnlyWorksWithItsOwnSeedCookie) {
    auto& s = server();
    auto before = s.networkState(tenant_.id);
    auto mine = s.client(tenant_);
    auto theirs = s.client(tenant_);
    auto my_token = mine.fetchCsrf("/login");
    auto their_token = theirs.fetchCsrf("/login");
    ASSERT_NE(my_token, their_token) << "each browser gets its own seed";
    Form form = {{"login", user_.username}, {"password", user_.password}};

    // Someone else's token (a forged form with a token scraped elsewhere).
    auto swapped = form;
    swapped.emplace_back("_csrf", their_token);
    auto r = mine.postForm("/login", swapped, {{"Accept", "application/json"}});
    EXPECT_EQ(r.status, 403) << r;
    EXPECT_EQ(r.errorCode(), "csrf");

    // The right token without the seed cookie it was made from.
    auto no_seed = mine;
    no_seed.removeCookie("agora_csrf");
    auto own = form;
    own.emplace_back("_csrf", my_token);
    r = no_seed.postForm("/login", own, {{"Accept", "application/json"}});
    EXPECT_EQ(r.status, 403) << r;
    EXPECT_EQ(r.errorCode(), "csrf");
    EXPECT_EQ(s.networkState(tenant_.id), before);

    // And with both, it works.
    r = mine.postForm("/login", own);
    EXPECT_EQ(r.status, 303) << r;
}

TEST_F(CsrfTest, CookieAuthenticatedApiWriteNeedsHeaderToken) {
    auto& s = server();
    auto browser = s.browserClient(tenant_, user_);
    auto before = s.networkState(tenant_.id);
    json change = {{"site.tagline", "Set from a browser"}};

    auto refused = browser.put("/api/v1/admin/settings", change);
    EXPECT_EQ(refused.status, 403) << refused;
    EXPECT_EQ(refused.errorCode(), "csrf");
    // A token from before the login (bound to the anonymous seed) is not this session's.
    auto stale = s.client(tenant_).fetchCsrf("/login");
    auto r = browser.put("/api/v1/admin/settings", change, {{"X-CSRF-Token", stale}});
    EXPECT_EQ(r.status, 403) << r;
    EXPECT_EQ(s.networkState(tenant_.id), before) << "refused writes must write nothing";

    // The token from a signed-in page, sent the way app.js sends it.
    auto token = browser.fetchCsrf("/login");
    r = browser.put("/api/v1/admin/settings", change, {{"X-CSRF-Token", token}});
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(s.text("SELECT value::text FROM network.settings WHERE tenant_id = $1 AND key = "
                     "'site.tagline'",
                     tenant_.id),
              "\"Set from a browser\"");
}

TEST_F(CsrfTest, BearerTokenNeedsNoCsrf) {
    auto& s = server();
    auto api = s.apiClient(tenant_, user_);
    ASSERT_TRUE(api.cookies().empty()) << "the API client must not carry the session cookie";
    auto r = api.put("/api/v1/admin/settings", {{"site.tagline", "Set by a program"}});
    EXPECT_EQ(r.status, 200) << r;
    auto del = api.del("/api/v1/admin/settings/site.tagline");
    EXPECT_EQ(del.status, 200) << del;
}

}  // namespace

}  // namespace agora::test
