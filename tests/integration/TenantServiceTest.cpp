// Creating and changing communities through TenantService, as `agora tenant add/apply/export`
// do, against the real network schema.
#include <gmock/gmock.h>

#include <algorithm>

#include "network/TenantService.h"
#include "support/IntegrationTest.h"
#include "tenancy/TenantNames.h"
#include "util/Error.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;

class TenantServiceTest : public IntegrationTest {};

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// Field by field, so a failure names the field that did not survive the round trip. Host and
// plugin order carry no meaning in a tenant file.
void expectSameFile(const TenantFile& want, const TenantFile& got) {
    EXPECT_EQ(got.slug, want.slug);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(sorted(got.hosts), sorted(want.hosts));
    EXPECT_EQ(got.theme, want.theme);
    EXPECT_EQ(sorted(got.plugins), sorted(want.plugins));
    EXPECT_EQ(got.staging_of, want.staging_of);
    EXPECT_EQ(json(got.settings), json(want.settings));
}

TEST_F(TenantServiceTest, AddApplyExportRoundTrip) {
    auto& s = server();
    TenantService svc(s.app(), s.app().plugins());
    auto spec = TestServer::tenantFile("rt");
    spec.settings = {{"site.tagline", "First tagline"}, {"limits.title_min", 20}};
    int64_t id = svc.add(spec);
    expectSameFile(spec, svc.exportFile(spec.slug));

    // An operator edits the file: new name, hosts replaced, one setting changed, one dropped
    // (back to its default) and one added.
    TenantFile changed = spec;
    changed.name = "Renamed " + spec.slug;
    changed.hosts = {"www." + spec.hosts[0], "b-" + spec.hosts[0]};
    changed.settings = {{"site.tagline", "Second tagline"}, {"rate_limit.votes_per_day", 7}};
    EXPECT_TRUE(svc.apply(changed));
    auto exported = svc.exportFile(spec.slug);
    expectSameFile(changed, exported);
    EXPECT_FALSE(svc.apply(changed)) << "applying the same file again must change nothing";

    // `agora tenant export SLUG > f.toml; agora tenant apply f.toml` is a no-op.
    auto reparsed = TenantFile::parse(exported.toToml(), spec.slug + ".toml");
    expectSameFile(changed, reparsed);
    auto before_reapply = s.networkState(id);
    EXPECT_FALSE(svc.apply(reparsed));
    EXPECT_EQ(s.networkState(id), before_reapply);

    // Each change is in the audit log with its old and new value.
    auto audited = [&](const std::string& action, const std::string& target,
                       const std::string& old_value, const std::string& new_value) {
        return s.scalar(
            "SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action = $2 AND "
            "target = $3 AND coalesce(old_value::text, 'null') = $4 AND "
            "coalesce(new_value::text, 'null') = $5",
            id, action, target, old_value, new_value);
    };
    EXPECT_EQ(audited("setting.set", "site.tagline", "\"First tagline\"", "\"Second tagline\""), 1)
        << s.networkState(id);
    EXPECT_EQ(audited("setting.inherit", "limits.title_min", "20", "null"), 1)
        << s.networkState(id);
    EXPECT_EQ(audited("setting.set", "rate_limit.votes_per_day", "null", "7"), 1)
        << s.networkState(id);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "IN ('tenant.update', 'tenant.hosts')",
                       id),
              2)
        << s.networkState(id);

    // The running server follows the change (new hosts and name, old host gone) by itself.
    auto old_host = s.client(spec.hosts[0]);
    auto new_host = s.client(changed.hosts[1]);
    HttpResult page;
    bool followed = TestServer::waitFor(
        [&] {
            page = new_host.get("/login");
            return page.status == 200 && old_host.get("/login").status == 404;
        },
        5000);
    EXPECT_TRUE(followed) << "new host: " << page;
    EXPECT_THAT(page.body, HasSubstr(changed.name));
    EXPECT_THAT(page.body, HasSubstr("Second tagline"));
}

TEST_F(TenantServiceTest, ApplyWithUnknownSettingNamesItAndWritesNothing) {
    auto& s = server();
    auto t = s.createTenant("unk", [](TenantFile& f) { f.settings = {{"site.tagline", "Kept"}}; });
    auto before = s.networkState(t.id);

    // The file as `agora tenant apply` reads it: real changes next to one misspelt key.
    std::string toml = "slug = \"" + t.slug +
                       "\"\n"
                       "name = \"Should not stick\"\n"
                       "hosts = [\"other-" +
                       t.host +
                       "\"]\n"
                       "\n[settings]\n"
                       "\"site.tagline\" = \"Changed\"\n"
                       "\"site.taglien\" = \"typo\"\n";
    auto file = TenantFile::parse(toml, t.slug + ".toml");
    try {
        TenantService(s.app(), s.app().plugins()).apply(file);
        FAIL() << "apply accepted an unknown setting";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::Invalid);
        EXPECT_EQ(e.field(), "site.taglien");
        EXPECT_THAT(e.what(), HasSubstr("site.taglien"));
    }
    EXPECT_EQ(s.networkState(t.id), before);
    s.app().directory().reload();
    auto page = s.client(t).get("/login");
    EXPECT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr(t.name));
    EXPECT_THAT(page.body, HasSubstr("Kept"));
}

TEST_F(TenantServiceTest, AddWithUnknownSettingCreatesNothing) {
    auto& s = server();
    auto spec = TestServer::tenantFile("unk");
    spec.settings = {{"site.tagline", "fine"}, {"limits.no_such_limit", 3}};
    try {
        TenantService(s.app(), s.app().plugins()).add(spec);
        FAIL() << "add accepted an unknown setting";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::Invalid);
        EXPECT_EQ(e.field(), "limits.no_such_limit");
        EXPECT_THAT(e.what(), HasSubstr("limits.no_such_limit"));
    }
    auto schema = tenantSchemaFor(spec.slug);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.tenants WHERE slug = $1", spec.slug), 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.hosts WHERE host = $1", spec.hosts[0]), 0);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = $1", schema), 0)
        << "the tenant schema must not be created for a refused file";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.schema_migrations WHERE target = $1", schema),
              0);
}

TEST_F(TenantServiceTest, AddRefusesATakenHostWithoutWriting) {
    auto& s = server();
    auto first = s.createTenant("host");
    auto before = s.networkState(first.id);
    auto spec = TestServer::tenantFile("host");
    spec.hosts = {first.host};
    try {
        TenantService(s.app(), s.app().plugins()).add(spec);
        FAIL() << "a second tenant was given a host that is already served";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::Conflict);
        EXPECT_THAT(e.what(), HasSubstr(first.host));
    }
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.tenants WHERE slug = $1", spec.slug), 0);
    EXPECT_EQ(s.networkState(first.id), before);
}

}  // namespace

}  // namespace agora::test
