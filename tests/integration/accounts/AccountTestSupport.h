// Shared helpers for the account tests: reading what the outbox queued (until a test delivers
// it through a real SMTP server), following a link from it, and roomy throttles so one test's
// resets and wrong passwords never refuse another's (tests all come from 127.0.0.1).
#pragma once

#include <gmock/gmock.h>

#include <string>

#include "ContentTestSupport.h"
#include "accounts/AuthThrottle.h"
#include "support/IntegrationTest.h"

namespace agora::test {

class AccountTest : public ContentTest {
protected:
    void SetUp() override {
        ContentTest::SetUp();
        if (HasFatalFailure())
            return;
        auto& throttle = server().app().authThrottle();
        saved_ = throttle.limits();
        auto roomy = saved_;
        roomy.login_failures_per_address = roomy.login_failures_per_account = 1000;
        roomy.resets_per_address = roomy.resets_per_account = 1000;
        roomy.account_mails_per_account = 1000;
        throttle.setLimits(roomy);
    }
    void TearDown() override {
        server().app().authThrottle().setLimits(saved_);
        ContentTest::TearDown();
    }

    // Mails queued for `address` with `templ`.
    int64_t queued(const std::string& address, const std::string& templ) {
        return server().scalar(
            "SELECT count(*) FROM network.mail_outbox WHERE lower(to_address) = lower($1) AND "
            "template = $2",
            address, templ);
    }
    // The `data` of the newest mail queued for `address` with `templ` (null when none).
    json mailData(const std::string& address, const std::string& templ) {
        auto text = server().text(
            "SELECT data::text FROM network.mail_outbox WHERE lower(to_address) = lower($1) "
            "AND template = $2 ORDER BY id DESC LIMIT 1",
            address, templ);
        return text.empty() ? json(nullptr) : json::parse(text);
    }
    // The site-relative link of that mail ("/reset/TOKEN").
    std::string mailLink(const std::string& address, const std::string& templ) {
        auto d = mailData(address, templ);
        if (d.is_null() || !d.contains("link"))
            throw std::runtime_error("no " + templ + " mail queued for " + address);
        return d["link"].get<std::string>();
    }
    // A JSON request with a body on any method (DELETE /api/v1/me carries the password).
    static HttpResult sendJson(HttpClient& c, const std::string& method, const std::string& path,
                               const json& body) {
        return c.send(method, path, body.dump(), "application/json");
    }
    // Creates an account through the API sign-up on `t` (so sign-up side effects happen).
    TestUser signUp(const TestTenant& t) {
        auto u = TestServer::newUserDetails();
        auto r = server().client(t).post(
            "/api/v1/users",
            {{"username", u.username}, {"email", u.email}, {"password", u.password}});
        if (r.status != 201)
            throw std::runtime_error("sign-up: " + r.describe());
        u.id = r.json()["id"].get<int64_t>();
        return u;
    }
    // Joins an existing account to another tenant (logging in there makes it a member).
    void join(const TestTenant& t, const TestUser& u) { server().login(t, u); }

private:
    AuthThrottle::Limits saved_;
};

}  // namespace agora::test
