#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/App.h"
#include "db/PgPool.h"
#include "http/HttpServer.h"
#include "support/HttpClient.h"
#include "tenancy/TenantFile.h"

namespace agora::test {

// A community created for one test; names carry a random suffix so tests never collide with
// each other, with reruns, or with the demo network in the same database.
struct TestTenant {
    int64_t id = 0;
    std::string slug;
    std::string name;
    std::string host;
    std::string schema;
};

// An account made for one test, with the password it was given.
struct TestUser {
    int64_t id = 0;
    std::string username;
    std::string email;
    std::string password;
};

// An in-process Agora server (App + HttpServer on a free port) against the PostgreSQL and
// Redis named by AGORA_DATABASE_URL / AGORA_REDIS_URL, plus helpers that set up the state
// tests need without going through the UI each time.
class TestServer {
public:
    // Throws with a clear reason when AGORA_DATABASE_URL is missing: under ops/test it is
    // always set, and a suite that quietly skips would let CI pass without testing anything.
    TestServer();
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    App& app() { return *app_; }
    int port() const;

    // Random lower-case hex, `length` characters.
    static std::string uniqueSuffix(size_t length = 8);
    // A fresh tenant description (slug "PREFIX-SUFFIX", host "SLUG.it.test"), not yet created.
    static TenantFile tenantFile(const std::string& prefix = "it");
    // Creates a tenant through TenantService, as `agora tenant add` does, and waits until this
    // server's directory serves it.
    TestTenant createTenant(const std::string& prefix = "it",
                            const std::function<void(TenantFile&)>& customise = {});
    TestTenant tenant(const std::string& slug);

    // Fresh account details (valid username, email, password), not yet created.
    static TestUser newUserDetails(const std::string& prefix = "u");
    // Creates an account, makes it a member of `tenant` and gives it `role`
    // (member | moderator | admin) through TenantService::setRole.
    TestUser createUser(const TestTenant& tenant, const std::string& role = "member");

    HttpClient client(const TestTenant& tenant) const { return client(tenant.host); }
    HttpClient client(const std::string& host) const;
    // POST /api/v1/session; returns the bearer token (throws on anything but 200).
    std::string login(const TestTenant& tenant, const TestUser& user);
    // A client carrying `user`'s bearer token on `tenant`.
    HttpClient apiClient(const TestTenant& tenant, const TestUser& user);
    // A client signed in through the HTML login form (cookie session, no token), as a browser.
    HttpClient browserClient(const TestTenant& tenant, const TestUser& user);

    // A connection on the network database (search_path not set to any tenant), as the owner
    // (migration role): tests set up and inspect state with rights requests don't have.
    db::PgLease db() { return app_->ownerPool().acquire(); }
    // First column of the first row as a number (e.g. a count), 0 when there is no row.
    template <typename... Args>
    int64_t scalar(const std::string& sql, const Args&... args) {
        auto lease = db();
        auto r = lease->q(sql, args...);
        return r.empty() || r.isNull(0, 0) ? 0 : r.i64(0, 0);
    }

    // First column of the first row as text, "" when there is no row.
    template <typename... Args>
    std::string text(const std::string& sql, const Args&... args) {
        auto lease = db();
        auto r = lease->q(sql, args...);
        return r.empty() ? "" : r.str(0, 0);
    }
    // Everything the network schema holds about one tenant (its row, hosts, settings, plugins,
    // memberships, sessions and audit rows) as one text, so a refused change can be checked
    // with EXPECT_EQ(server.networkState(id), before): the diff shows what moved.
    std::string networkState(int64_t tenant_id);

    // Waits until `predicate` holds or `timeout_ms` passes; true when it held.
    static bool waitFor(const std::function<bool()>& predicate, int timeout_ms, int poll_ms = 20);

private:
    std::unique_ptr<App> app_;
    std::unique_ptr<HttpServer> http_;
};

// Environment the harness needs, read once; throws naming the variable when it is missing.
std::string requireEnv(const char* name);
// The checkout (AGORA_ROOT, else the source dir this binary was built from).
std::string checkoutRoot();

}  // namespace agora::test
