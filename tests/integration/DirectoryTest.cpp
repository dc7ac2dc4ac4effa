// Which tenant answers a request: host lookup, live pick-up of changes made by another process,
// and what an unknown host is told.
#include <gmock/gmock.h>

#include <chrono>
#include <iostream>

#include "network/TenantService.h"
#include "support/IntegrationTest.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DirectoryTest : public IntegrationTest {};

TEST_F(DirectoryTest, TenantAddedByAnotherProcessIsServedWithoutRestart) {
    auto& s = server();
    auto spec = TestServer::tenantFile("live");
    auto c = s.client(spec.hosts[0]);
    ASSERT_EQ(c.get("/login").status, 404) << "served before it exists";

    // A second App with its own connections and no HTTP server: what `agora tenant add`
    // run from a shell next to the running server does.
    App cli(Config::load(), 2);
    TenantService(cli, cli.plugins()).add(spec);
    auto committed = std::chrono::steady_clock::now();

    HttpResult page;
    bool served = TestServer::waitFor(
        [&] {
            page = c.get("/login");
            return page.status == 200;
        },
        5000, 10);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - committed)
                  .count();
    std::cout << "[ live pick-up ] " << spec.slug << " served " << ms
              << " ms after `tenant add` committed\n";
    RecordProperty("pickup_ms", static_cast<int>(ms));
    ASSERT_TRUE(served) << "not served within 5 s of being added; last answer " << page;
    EXPECT_THAT(page.body, HasSubstr(spec.name));

    // A later change from the same outside process (a new tagline) is followed too.
    auto changed = spec;
    changed.settings = {{"site.tagline", "Tagline " + TestServer::uniqueSuffix()}};
    TenantService(cli, cli.plugins()).apply(changed);
    bool followed = TestServer::waitFor(
        [&] {
            page = c.get("/login");
            return page.body.find(changed.settings["site.tagline"].get<std::string>()) !=
                   std::string::npos;
        },
        5000, 10);
    EXPECT_TRUE(followed) << "setting change not served within 5 s: " << page;
}

TEST_F(DirectoryTest, HostLookupIgnoresCasePortAndTrailingDot) {
    auto& s = server();
    auto t = s.createTenant("case");
    std::string upper = t.host;
    for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    // The client always sends the port; these add case and a fully-qualified trailing dot.
    for (const auto& host : {t.host, upper, t.host + "."}) {
        auto r = s.client(host).get("/login");
        EXPECT_EQ(r.status, 200) << host << " → " << r;
        EXPECT_THAT(r.body, HasSubstr(t.name)) << host;
    }
}

TEST_F(DirectoryTest, UnknownHostGets404AndNamesNoTenant) {
    auto& s = server();
    auto a = s.createTenant("leak");
    auto b = s.createTenant("leak");
    std::vector<std::string> hosts = {"nobody-" + TestServer::uniqueSuffix() + ".it.test",
                                      "www." + a.host + ".evil.test",
                                      // A tenant's slug alone is not one of its hosts.
                                      a.slug};
    std::string first_body;
    for (const auto& host : hosts) {
        auto c = s.client(host);
        std::vector<HttpResult> answers = {
            c.get("/login"),
            c.get("/api/v1/admin/settings", {{"Accept", "application/json"}}),
            c.get("/"),
            // Refused before any CSRF or auth check could say more.
            c.postForm("/login", {{"login", "x"}, {"password", "y"}}),
            c.post("/api/v1/session", {{"login", "x"}, {"password", "y"}}),
        };
        for (const auto& r : answers) {
            EXPECT_EQ(r.status, 404) << host << ": " << r;
            for (const auto& t : {a, b}) {
                EXPECT_THAT(r.body, Not(HasSubstr(t.slug))) << host;
                EXPECT_THAT(r.body, Not(HasSubstr(t.name))) << host;
            }
            EXPECT_TRUE(r.header("set-cookie").empty()) << host << " set a cookie";
        }
        // Every unknown host gets the same words, so probing hosts teaches nothing.
        if (first_body.empty())
            first_body = answers[0].body;
        EXPECT_EQ(answers[0].body, first_body) << host;
    }
}

}  // namespace

}  // namespace agora::test
