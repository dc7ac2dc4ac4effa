// The HTTP edge under attack and under load: header injection, open redirects, oversized and
// malformed requests, slow and idle clients, per-address caps, security headers and who may
// read /metrics. Most cases use raw sockets, since a well-behaved client library can't send
// what an attacker sends.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/HttpServer.h"
#include "support/IntegrationTest.h"
#include "support/RawConnection.h"

namespace agora::test {
namespace {

class HttpEdgeTest : public IntegrationTest {
protected:
    // A server of its own on the shared App, with limits small enough to reach in a test.
    std::unique_ptr<HttpServer> edge(ServerLimits limits, int workers = 2,
                                     AddressSet trusted = {}) {
        auto s = std::make_unique<HttpServer>(server().app(), server().app().router(), 0, workers,
                                              limits, std::move(trusted));
        s->start();
        return s;
    }

    static std::string get(const std::string& host, const std::string& target,
                           const std::string& extra = "") {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
    }

    static std::string statusLine(const std::string& response) {
        return response.substr(0, response.find("\r\n"));
    }
};

TEST_F(HttpEdgeTest, AnEncodedLineBreakInThePathSetsNoCookie) {
    auto& s = server();
    auto t = s.createTenant("edgeinj", [](TenantFile& f) { f.plugins = {"abilities", "flags"}; });
    for (const auto* target :
         {"/mod/flags/members/1%0d%0aSet-Cookie:%20agora_session=attacker%3b%20Path=/",
          "/no/such/page%0d%0aSet-Cookie:%20agora_session=attacker%3b%20Path=/",
          "/mod/flags/members/1%09x%0aLocation:%20//evil.example"}) {
        RawConnection c(s.port());
        ASSERT_TRUE(c.send(get(t.host, target)));
        auto response = c.readResponse();
        ASSERT_FALSE(response.empty()) << target;
        auto head = response.substr(0, response.find("\r\n\r\n"));
        EXPECT_EQ(head.find("\r\nSet-Cookie: agora_session=attacker"), std::string::npos) << head;
        EXPECT_EQ(head.find("\r\nLocation: //evil"), std::string::npos) << head;
        EXPECT_EQ(statusLine(response).find(" 500 "), std::string::npos) << head;
    }
    // The login redirect keeps the path, encoded.
    RawConnection c(s.port());
    ASSERT_TRUE(c.send(get(t.host, "/mod/flags/members/1%0d%0aX")));
    auto head = c.readResponse();
    EXPECT_NE(head.find("Location: /login?next=/mod/flags/members/1%0D%0AX\r\n"), std::string::npos)
        << head;
}

TEST_F(HttpEdgeTest, LoginNextAcceptsOnlySameSitePaths) {
    auto& s = server();
    auto t = s.createTenant("edgenext");
    auto user = s.createUser(t);
    for (const auto* next : {"/\tevil.example", "//evil.example", "/\\evil.example",
                             "https://evil.example", "/\t/evil.example", "/a\r\nX-A: 1"}) {
        auto c = s.client(t);
        auto csrf = c.fetchCsrf("/login");
        auto r = c.postForm("/login", {{"_csrf", csrf},
                                       {"login", user.username},
                                       {"password", user.password},
                                       {"next", next}});
        EXPECT_EQ(r.status, 303) << r;
        EXPECT_EQ(r.header("location"), "/") << next;
    }
    auto c = s.client(t);
    auto csrf = c.fetchCsrf("/login");
    auto r = c.postForm("/login", {{"_csrf", csrf},
                                   {"login", user.username},
                                   {"password", user.password},
                                   {"next", "/questions?sort=newest"}});
    EXPECT_EQ(r.header("location"), "/questions?sort=newest");
}

TEST_F(HttpEdgeTest, TooLargeBodyIsRefusedBeforeContinue) {
    auto& s = server();
    auto t = s.createTenant("edge413");
    RawConnection c(s.port());
    ASSERT_TRUE(c.send("POST /api/v1/questions HTTP/1.1\r\nHost: " + t.host +
                       "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: 2000000\r\n\r\n"));
    auto response = c.readResponse();
    EXPECT_EQ(statusLine(response), "HTTP/1.1 413 Content Too Large") << response;
    EXPECT_EQ(response.find("100 Continue"), std::string::npos);
    EXPECT_NE(response.find(R"("code":"too_large")"), std::string::npos) << response;
    EXPECT_TRUE(c.closedByServer(7000));
}

TEST_F(HttpEdgeTest, TooLargeBodyIsReadableByAClientStillSending) {
    auto& s = server();
    auto t = s.createTenant("edge413b");
    RawConnection c(s.port());
    std::string body(2 * 1024 * 1024, 'x');
    // Like urllib: the whole body goes out without waiting for an answer.
    std::thread sender([&] {
        c.send("POST /api/v1/questions HTTP/1.1\r\nHost: " + t.host +
               "\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto response = c.readResponse(8000);
    sender.join();
    EXPECT_EQ(statusLine(response), "HTTP/1.1 413 Content Too Large") << response.substr(0, 300);
    EXPECT_NE(response.find(R"("code":"too_large")"), std::string::npos);
    EXPECT_NE(c.lastError(), ECONNRESET);
}

TEST_F(HttpEdgeTest, MalformedRequestsGetReadableErrorsNot500s) {
    auto& s = server();
    auto t = s.createTenant("edgebad");
    struct Case {
        std::string request;
        std::string status;
    };
    std::vector<Case> cases = {
        {"GET /healthz HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request"},
        {"GET / HTTP/1.0\r\n\r\n", "HTTP/1.1 400 Bad Request"},
        {"GET / HTTP/1.1\r\nHost: " + t.host + "\r\nX: a\r\n b\r\n\r\n",
         "HTTP/1.1 400 Bad Request"},
        {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: " + t.host + "\r\n\r\n",
         "HTTP/1.1 414 URI Too Long"},
        {"POST / HTTP/1.1\r\nHost: " + t.host +
             "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
         "HTTP/1.1 400 Bad Request"},
        {"GET / HTTP/3.0\r\nHost: " + t.host + "\r\n\r\n",
         "HTTP/1.1 505 HTTP Version Not Supported"},
    };
    for (const auto& k : cases) {
        RawConnection c(s.port());
        ASSERT_TRUE(c.send(k.request));
        auto response = c.readResponse();
        EXPECT_EQ(statusLine(response), k.status) << k.request.substr(0, 80);
        EXPECT_TRUE(c.closedByServer(7000));
    }
    // A path that decodes to invalid UTF-8 is simply not found.
    RawConnection c(s.port());
    ASSERT_TRUE(c.send(get(t.host, "/api/v1/%ff")));
    auto response = c.readResponse();
    EXPECT_EQ(statusLine(response), "HTTP/1.1 404 Not Found") << response;
    auto body = nlohmann::json::parse(response.substr(response.find("\r\n\r\n") + 4));
    EXPECT_EQ(body["error"]["code"], "not_found");
    EXPECT_EQ(body["error"]["message"], "no page at /api/v1/%ff");
}

TEST_F(HttpEdgeTest, PipelinedAndChunkedRequestsAreServed) {
    auto& s = server();
    auto t = s.createTenant("edgepipe");
    auto user = s.createUser(t);
    RawConnection c(s.port());
    ASSERT_TRUE(c.send(get(t.host, "/healthz") + get(t.host, "/api/v1/questions")));
    auto first = c.readResponse();
    EXPECT_EQ(statusLine(first), "HTTP/1.1 200 OK");
    EXPECT_NE(first.find("\"postgresql\""), std::string::npos) << first;
    auto second = c.readResponse();
    EXPECT_EQ(statusLine(second), "HTTP/1.1 200 OK");
    EXPECT_NE(second.find("\"items\""), std::string::npos) << second;

    std::string json =
        R"({"login":")" + user.username + R"(","password":")" + user.password + R"("})";
    auto half = json.size() / 2;
    std::string chunked =
        "POST /api/v1/session HTTP/1.1\r\nHost: " + t.host +
        "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[16];
    snprintf(size, sizeof size, "%zx\r\n", half);
    chunked += size + json.substr(0, half) + "\r\n";
    snprintf(size, sizeof size, "%zx\r\n", json.size() - half);
    chunked += size + json.substr(half) + "\r\n0\r\n\r\n";
    ASSERT_TRUE(c.send(chunked));
    auto login = c.readResponse();
    EXPECT_EQ(statusLine(login), "HTTP/1.1 200 OK") << login;
    EXPECT_NE(login.find("\"token\""), std::string::npos);
}

TEST_F(HttpEdgeTest, SlowHeadersAndBodiesMeetADeadline) {
    auto& s = server();
    auto t = s.createTenant("edgeslow");
    ServerLimits limits;
    limits.head_timeout_ms = 800;
    limits.request_timeout_ms = 1500;
    auto e = edge(limits);
    // Headers trickled one line every 200 ms never finish: 408 at the head deadline.
    RawConnection slow(e->port());
    ASSERT_TRUE(slow.send("GET / HTTP/1.1\r\nHost: " + t.host + "\r\n"));
    std::string got;
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 25 && got.empty(); ++i) {
        if (!slow.send("X-Trickle-" + std::to_string(i) + ": a\r\n"))
            break;
        got = slow.readAll(200);
    }
    got += slow.readAll(2000);
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(statusLine(got), "HTTP/1.1 408 Request Timeout") << got;
    EXPECT_LT(waited, std::chrono::seconds(4));
    // A body that stops arriving: 408 at the request deadline.
    RawConnection body(e->port());
    ASSERT_TRUE(
        body.send("POST /api/v1/session HTTP/1.1\r\nHost: " + t.host +
                  "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"lo"));
    EXPECT_EQ(statusLine(body.readAll(4000)), "HTTP/1.1 408 Request Timeout");
}

TEST_F(HttpEdgeTest, IdleAndTricklingClientsDoNotStarveOthers) {
    auto& s = server();
    auto t = s.createTenant("edgestarve");
    ServerLimits limits;  // the defaults: 10 s to send a head
    auto e = edge(limits, 2);
    // Far more half-sent requests and idle keep-alive connections than workers.
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 60; ++i) {
        held.push_back(std::make_unique<RawConnection>(e->port(), "127.0.0.3"));
        if (i % 2 == 0)
            held.back()->send("GET / HTTP/1.1\r\nHost: " + t.host + "\r\nX-Slow: 1\r\n");
    }
    RawConnection fresh(e->port());
    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(fresh.send(get(t.host, "/healthz")));
    auto response = fresh.readResponse(5000);
    EXPECT_EQ(statusLine(response), "HTTP/1.1 200 OK") << response;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(HttpEdgeTest, ConnectionsPerClientAddressAreCapped) {
    auto& s = server();
    auto t = s.createTenant("edgecap");
    ServerLimits limits;
    limits.max_connections_per_client = 4;
    auto e = edge(limits);
    std::vector<std::unique_ptr<RawConnection>> mine;
    for (int i = 0; i < 4; ++i) {
        mine.push_back(std::make_unique<RawConnection>(e->port(), "127.0.0.4"));
        ASSERT_TRUE(mine.back()->send(get(t.host, "/healthz")));
        EXPECT_EQ(statusLine(mine.back()->readResponse()), "HTTP/1.1 200 OK");
    }
    RawConnection fifth(e->port(), "127.0.0.4");
    auto refused = fifth.readAll(3000);
    EXPECT_EQ(statusLine(refused), "HTTP/1.1 429 Too Many Requests") << refused;
    EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos);
    // Another address is not affected.
    RawConnection other(e->port(), "127.0.0.5");
    ASSERT_TRUE(other.send(get(t.host, "/healthz")));
    EXPECT_EQ(statusLine(other.readResponse()), "HTTP/1.1 200 OK");
    // A closed connection frees its place.
    mine.pop_back();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    RawConnection again(e->port(), "127.0.0.4");
    ASSERT_TRUE(again.send(get(t.host, "/healthz")));
    EXPECT_EQ(statusLine(again.readResponse()), "HTTP/1.1 200 OK");
}

TEST_F(HttpEdgeTest, PagesCarrySecurityHeadersAndSafeCookies) {
    auto& s = server();
    auto t = s.createTenant("edgehdr");
    auto r = s.client(t).get("/login");
    ASSERT_EQ(r.status, 200) << r;
    auto csp = r.header("content-security-policy");
    auto at = csp.find("script-src");
    ASSERT_NE(at, std::string::npos) << csp;
    EXPECT_EQ(csp.substr(at, csp.find(';', at) - at), "script-src 'self'") << "no inline script";
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin");
    auto cookie = r.header("set-cookie");
    EXPECT_NE(cookie.find("; HttpOnly; SameSite=Lax"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
    // X-Forwarded-Proto counts only from a trusted proxy.
    auto untrusted = s.client(t).get("/login", {{"X-Forwarded-Proto", "https"}});
    EXPECT_EQ(untrusted.header("set-cookie").find("Secure"), std::string::npos);
    auto e = edge(ServerLimits{}, 2, AddressSet::parse("127.0.0.1"));
    RawConnection c(e->port());
    ASSERT_TRUE(c.send(get(t.host, "/login", "X-Forwarded-Proto: https\r\n")));
    auto proxied = c.readResponse();
    EXPECT_NE(proxied.find("; HttpOnly; SameSite=Lax; Secure\r\n"), std::string::npos) << proxied;
}

TEST_F(HttpEdgeTest, MetricsAreForTheAllowListOnly) {
    auto& s = server();
    // No trusted proxy: a forwarded address is ignored, the loopback peer is on the list.
    RawConnection direct(s.port());
    ASSERT_TRUE(direct.send(get("any.host", "/metrics", "X-Forwarded-For: 127.0.0.1\r\n")));
    EXPECT_EQ(statusLine(direct.readResponse()), "HTTP/1.1 200 OK");
    RawConnection other(s.port(), "127.0.0.6");
    ASSERT_TRUE(other.send(get("any.host", "/metrics", "X-Forwarded-For: 127.0.0.1\r\n")));
    EXPECT_EQ(statusLine(other.readResponse()), "HTTP/1.1 404 Not Found");
    // Behind a trusted proxy the client it names is checked, whatever the peer.
    auto e = edge(ServerLimits{}, 2, AddressSet::parse("127.0.0.1"));
    RawConnection outside(e->port());
    ASSERT_TRUE(outside.send(get("any.host", "/metrics", "X-Forwarded-For: 203.0.113.9\r\n")));
    auto refused = outside.readResponse();
    EXPECT_EQ(statusLine(refused), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(refused.find("agora_"), std::string::npos);
    RawConnection spoofed(e->port());
    ASSERT_TRUE(
        spoofed.send(get("any.host", "/metrics", "X-Forwarded-For: 127.0.0.1, 203.0.113.9\r\n")));
    EXPECT_EQ(statusLine(spoofed.readResponse()), "HTTP/1.1 404 Not Found");
}

TEST_F(HttpEdgeTest, HealthzNamesNoInternals) {
    auto r = server().client("any.host").get("/healthz");
    ASSERT_EQ(r.status, 200) << r;
    auto body = r.json();
    for (auto& [key, value] : body.items())
        EXPECT_TRUE(key == "status" || key == "postgresql" || key == "redis") << key;
}

}  // namespace
}  // namespace agora::test
