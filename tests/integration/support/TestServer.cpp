#include "support/TestServer.h"

#include <chrono>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>

#include "accounts/AccountService.h"
#include "network/TenantService.h"
#include "tenancy/TenantNames.h"

#ifndef AGORA_SOURCE_DIR
#define AGORA_SOURCE_DIR ""
#endif

namespace agora::test {

std::string requireEnv(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v)
        throw std::runtime_error(
            std::string(name) +
            " is not set: integration tests need the throwaway PostgreSQL and Redis that "
            "ops/test starts (run `ops/test -L integration`)");
    return v;
}

std::string checkoutRoot() {
    const char* root = std::getenv("AGORA_ROOT");
    if (root && *root)
        return root;
    return AGORA_SOURCE_DIR;
}

TestServer::TestServer() {
    requireEnv("AGORA_DATABASE_URL");
    // Config::load() searches for the checkout from the working directory; ctest runs us from
    // the build tree, so point it at the sources explicitly unless the caller already did.
    if (!std::getenv("AGORA_ROOT") && !checkoutRoot().empty())
        setenv("AGORA_ROOT", checkoutRoot().c_str(), 0);
#ifdef AGORA_TEST_PLUGIN_DIR
    // Plugins the tests exercise (abilities and the fixtures), built by tests/fixtures.
    setenv("AGORA_PLUGIN_DIR", AGORA_TEST_PLUGIN_DIR, 0);
#endif
    // As `agora serve`: requests as the application role, set-up helpers as the owner.
    app_ = std::make_unique<App>(Config::load(), 16, DbRole::Application);
    app_->initNetwork();
    app_->prepareServing();
    app_->directory().reload();
    app_->directory().startListening(app_->config().database_url);
    // Port 0: the kernel picks a free one, so parallel runs on one machine never collide.
    http_ = std::make_unique<HttpServer>(*app_, app_->router(), 0, 4);
    http_->start();
}

TestServer::~TestServer() {
    // The server's threads use the App: stop them before the App goes away.
    if (http_)
        http_->stop();
    http_.reset();
    app_.reset();
}

int TestServer::port() const {
    return http_->port();
}

std::string TestServer::uniqueSuffix(size_t length) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < length; ++i)
        out += hex[rng() % 16];
    return out;
}

TenantFile TestServer::tenantFile(const std::string& prefix) {
    TenantFile f;
    f.slug = prefix + "-" + uniqueSuffix();
    if (!validTenantSlug(f.slug))
        throw std::invalid_argument("tenant prefix \"" + prefix + "\" gives an invalid slug");
    f.name = "Test community " + f.slug;
    f.hosts = {f.slug + ".it.test"};
    return f;
}

TestTenant TestServer::createTenant(const std::string& prefix,
                                    const std::function<void(TenantFile&)>& customise) {
    auto spec = tenantFile(prefix);
    if (customise)
        customise(spec);
    TenantService(*app_, app_->plugins()).add(spec);
    // The NOTIFY would get there within a second; setup should not have to wait for it.
    app_->directory().reload();
    return tenant(spec.slug);
}

TestTenant TestServer::tenant(const std::string& slug) {
    auto t = app_->directory().bySlug(slug);
    if (!t)
        throw std::runtime_error("tenant " + slug + " is not in the directory");
    return TestTenant{t->id, t->slug, t->name, t->hosts.empty() ? "" : t->hosts.front(), t->schema};
}

TestUser TestServer::newUserDetails(const std::string& prefix) {
    TestUser u;
    u.username = prefix + "_" + uniqueSuffix(10);
    u.email = u.username + "@example.test";
    u.password = "pw-" + uniqueSuffix(12);
    return u;
}

TestUser TestServer::createUser(const TestTenant& tenant, const std::string& role) {
    auto t = app_->directory().byId(tenant.id);
    if (!t)
        throw std::runtime_error("tenant " + tenant.slug + " is not in the directory");
    TestUser u = newUserDetails();
    auto lease = db();
    auto& c = *lease;
    {
        db::Transaction tx(c);
        u.id = AccountService::createAccount(c, NewAccount{u.username, u.email, u.password, ""});
        c.exec("SET LOCAL search_path TO " + c.quoteIdent(t->schema));
        AccountService::ensureMembership(c, *t, u.id);
        tx.commit();
    }
    c.forgetSchema();
    if (role != "member")
        TenantService(*app_, app_->plugins()).setRole(tenant.slug, u.username, role);
    return u;
}

HttpClient TestServer::client(const std::string& host) const {
    return HttpClient(port(), host);
}

std::string TestServer::login(const TestTenant& tenant, const TestUser& user) {
    auto r = client(tenant).post("/api/v1/session",
                                 {{"login", user.username}, {"password", user.password}});
    if (r.status != 200)
        throw std::runtime_error("login of " + user.username + " on " + tenant.slug +
                                 " failed: " + r.describe());
    return r.json().at("token").get<std::string>();
}

HttpClient TestServer::apiClient(const TestTenant& tenant, const TestUser& user) {
    return client(tenant).asUser(login(tenant, user));
}

HttpClient TestServer::browserClient(const TestTenant& tenant, const TestUser& user) {
    auto c = client(tenant);
    auto csrf = c.fetchCsrf("/login");
    auto r = c.postForm("/login",
                        {{"_csrf", csrf}, {"login", user.username}, {"password", user.password}});
    if (r.status != 303 || !c.hasCookie("agora_session"))
        throw std::runtime_error("form login of " + user.username + " on " + tenant.slug +
                                 " failed: " + r.describe());
    return c;
}

std::string TestServer::networkState(int64_t tenant_id) {
    static const char* kParts[][2] = {
        {"tenant", "SELECT row_to_json(t)::text FROM network.tenants t WHERE id = $1"},
        {"hosts",
         "SELECT string_agg(host, ', ' ORDER BY host) FROM network.hosts WHERE tenant_id = $1"},
        {"settings",
         "SELECT string_agg(key || ' = ' || value::text || ' by ' || coalesce(updated_by::text, "
         "'-'), ', ' ORDER BY key) FROM network.settings WHERE tenant_id = $1"},
        {"plugins",
         "SELECT string_agg(plugin || ':' || enabled::text, ', ' ORDER BY plugin) "
         "FROM network.tenant_plugins WHERE tenant_id = $1"},
        {"memberships",
         "SELECT string_agg(account_id::text, ', ' ORDER BY account_id) "
         "FROM network.memberships WHERE tenant_id = $1"},
        {"sessions",
         "SELECT string_agg(account_id::text || '/' || kind || '/' || (revoked_at IS NULL)::text, "
         "', ' ORDER BY token_hash) FROM network.sessions WHERE tenant_id = $1"},
        {"audit",
         "SELECT string_agg(action || ' ' || target || ': ' || coalesce(old_value::text, 'null') "
         "|| ' -> ' || coalesce(new_value::text, 'null'), E'\\n  ' ORDER BY id) "
         "FROM network.audit_log WHERE tenant_id = $1"},
    };
    std::string out;
    for (const auto& [name, sql] : kParts)
        out += std::string(name) + ": " + text(sql, tenant_id) + "\n";
    return out;
}

bool TestServer::waitFor(const std::function<bool()>& predicate, int timeout_ms, int poll_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        if (predicate())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    }
}

}  // namespace agora::test
