// Tenant settings through /api/v1/admin/settings: typed, validated as a whole, audited,
// admins only.
#include <gmock/gmock.h>

#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class AdminSettingsTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        tenant_ = server().createTenant("set");
        admin_ = server().createUser(tenant_, "admin");
        api_ = std::make_unique<HttpClient>(server().apiClient(tenant_, admin_));
    }

    HttpClient& admin() { return *api_; }

    // One setting's entry from a settings list answer.
    static json item(const HttpResult& r, const std::string& key) {
        auto body = r.json();  // kept alive: the loop walks into it
        for (const auto& i : body.at("items"))
            if (i.at("key") == key)
                return i;
        throw std::runtime_error("no setting " + key + " in " + r.describe());
    }

    int64_t auditRows() {
        return server().scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1",
                               tenant_.id);
    }

    TestTenant tenant_;
    TestUser admin_;
    std::unique_ptr<HttpClient> api_;
};

TEST_F(AdminSettingsTest, AdminSetsAValueAndSeesItOverridden) {
    auto& s = server();
    auto initial = admin().get("/api/v1/admin/settings");
    ASSERT_EQ(initial.status, 200) << initial;
    EXPECT_EQ(item(initial, "limits.title_min")["overridden"], false);
    EXPECT_EQ(item(initial, "limits.title_min")["value"], 15);

    auto r = admin().put("/api/v1/admin/settings", {{"limits.title_min", 25}});
    ASSERT_EQ(r.status, 200) << r;
    auto entry = item(r, "limits.title_min");
    EXPECT_EQ(entry["value"], 25);
    EXPECT_EQ(entry["default"], 15);
    EXPECT_EQ(entry["overridden"], true);
    EXPECT_EQ(entry["type"], "int");
    // Later reads (and other settings) agree.
    auto again = admin().get("/api/v1/admin/settings");
    EXPECT_EQ(item(again, "limits.title_min")["value"], 25);
    EXPECT_EQ(item(again, "limits.title_max")["overridden"], false);
    EXPECT_EQ(s.scalar("SELECT updated_by FROM network.settings WHERE tenant_id = $1 AND key = "
                       "'limits.title_min'",
                       tenant_.id),
              admin_.id);
}

TEST_F(AdminSettingsTest, EachChangeIsAuditedWithWhoOldAndNew) {
    auto& s = server();
    ASSERT_EQ(admin().put("/api/v1/admin/settings", {{"site.tagline", "One"}}).status, 200);
    ASSERT_EQ(admin().put("/api/v1/admin/settings", {{"site.tagline", "Two"}}).status, 200);
    // Setting the value it already has is not a change.
    ASSERT_EQ(admin().put("/api/v1/admin/settings", {{"site.tagline", "Two"}}).status, 200);
    auto lease = s.db();
    auto rows = lease->q(
        "SELECT account_id, action, target, coalesce(old_value::text, 'null'), "
        "coalesce(new_value::text, 'null') FROM network.audit_log "
        "WHERE tenant_id = $1 AND target = 'site.tagline' ORDER BY id",
        tenant_.id);
    ASSERT_EQ(rows.rows(), 2) << s.networkState(tenant_.id);
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(rows.i64(i, 0), admin_.id);
        EXPECT_EQ(rows.str(i, 1), "setting.set");
    }
    EXPECT_EQ(rows.str(0, 3), "null");
    EXPECT_EQ(rows.str(0, 4), "\"One\"");
    EXPECT_EQ(rows.str(1, 3), "\"One\"");
    EXPECT_EQ(rows.str(1, 4), "\"Two\"");
}

TEST_F(AdminSettingsTest, UnknownKeyIs422NamingIt) {
    auto& s = server();
    auto before = s.networkState(tenant_.id);
    auto r = admin().put("/api/v1/admin/settings", {{"site.taglnie", "typo"}});
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_EQ(r.errorField(), "site.taglnie");
    EXPECT_THAT(r.errorMessage(), HasSubstr("site.taglnie"));
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

TEST_F(AdminSettingsTest, InvalidValuesAre422NamingTheKey) {
    auto& s = server();
    auto before = s.networkState(tenant_.id);
    struct Bad {
        std::string key;
        json value;
        std::string says;
    };
    for (const auto& bad : {
             Bad{"limits.title_min", 0, "within"},            // below min
             Bad{"limits.title_min", 151, "within"},          // above max
             Bad{"limits.title_min", "ten", "whole number"},  // wrong type
             Bad{"limits.title_min", 2.5, "whole number"},
             Bad{"theme.primary_color", "red", "colour"},
             Bad{"theme.logo_text", "TOOLONG", "longer than"},
             Bad{"site.tagline", nullptr, "cannot be null"},
         }) {
        auto r = admin().put("/api/v1/admin/settings", {{bad.key, bad.value}});
        EXPECT_EQ(r.status, 422) << bad.key << "=" << bad.value << ": " << r;
        EXPECT_EQ(r.errorField(), bad.key) << r;
        EXPECT_THAT(r.errorMessage(), HasSubstr(bad.says)) << r;
    }
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

TEST_F(AdminSettingsTest, MixedBodyWritesNothing) {
    auto& s = server();
    ASSERT_EQ(admin().put("/api/v1/admin/settings", {{"site.tagline", "Before"}}).status, 200);
    auto before = s.networkState(tenant_.id);
    auto r = admin().put(
        "/api/v1/admin/settings",
        {{"site.tagline", "After"}, {"limits.body_max", 10}, {"rate_limit.votes_per_day", 40}});
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_EQ(r.errorField(), "limits.body_max");
    EXPECT_EQ(s.networkState(tenant_.id), before)
        << "one bad value must leave every value as it was";
    auto now = admin().get("/api/v1/admin/settings");
    EXPECT_EQ(item(now, "site.tagline")["value"], "Before");
    EXPECT_EQ(item(now, "rate_limit.votes_per_day")["overridden"], false);
}

TEST_F(AdminSettingsTest, MembersGet403AndAnonymousGets401) {
    auto& s = server();
    auto moderator = s.apiClient(tenant_, s.createUser(tenant_, "moderator"));
    auto member = s.apiClient(tenant_, s.createUser(tenant_));
    auto before = s.networkState(tenant_.id);
    for (auto* c : {&moderator, &member}) {
        auto get = c->get("/api/v1/admin/settings");
        EXPECT_EQ(get.status, 403) << get;
        EXPECT_EQ(get.errorCode(), "admin_required");
        auto put = c->put("/api/v1/admin/settings", {{"site.tagline", "nope"}});
        EXPECT_EQ(put.status, 403) << put;
        auto del = c->del("/api/v1/admin/settings/site.tagline");
        EXPECT_EQ(del.status, 403) << del;
    }
    auto anon = s.client(tenant_);
    auto get = anon.get("/api/v1/admin/settings");
    EXPECT_EQ(get.status, 401) << get;
    EXPECT_EQ(get.errorCode(), "unauthorized");
    EXPECT_EQ(anon.put("/api/v1/admin/settings", {{"site.tagline", "nope"}}).status, 401);
    EXPECT_EQ(anon.del("/api/v1/admin/settings/site.tagline").status, 401);
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

TEST_F(AdminSettingsTest, DeleteRevertsToTheDefault) {
    auto& s = server();
    ASSERT_EQ(admin().put("/api/v1/admin/settings", {{"limits.tags_max", 3}}).status, 200);
    auto r = admin().del("/api/v1/admin/settings/limits.tags_max");
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.json()["inherited"], true);
    auto now = admin().get("/api/v1/admin/settings");
    EXPECT_EQ(item(now, "limits.tags_max")["overridden"], false);
    EXPECT_EQ(item(now, "limits.tags_max")["value"], item(now, "limits.tags_max")["default"]);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.settings WHERE tenant_id = $1", tenant_.id),
              0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action = "
                       "'setting.inherit' AND target = 'limits.tags_max' AND old_value = '3' AND "
                       "new_value IS NULL AND account_id = $2",
                       tenant_.id, admin_.id),
              1);

    auto before = s.networkState(tenant_.id);
    auto unknown = admin().del("/api/v1/admin/settings/limits.no_such");
    EXPECT_EQ(unknown.status, 422) << unknown;
    EXPECT_EQ(unknown.errorField(), "limits.no_such");
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

TEST_F(AdminSettingsTest, MalformedBodyIs400) {
    auto& s = server();
    auto before = s.networkState(tenant_.id);
    for (const auto& body : {std::string("[1, 2]"), std::string("{\"a\":"), std::string("{}")}) {
        auto r = admin().send("PUT", "/api/v1/admin/settings", body, "application/json");
        EXPECT_EQ(r.status, 400) << body << ": " << r;
        EXPECT_EQ(r.errorCode(), "bad_request") << body;
    }
    EXPECT_EQ(s.networkState(tenant_.id), before);
}

}  // namespace

}  // namespace agora::test
