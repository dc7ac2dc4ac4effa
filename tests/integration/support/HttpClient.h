#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/HttpResult.h"

namespace agora::test {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Form = std::vector<std::pair<std::string, std::string>>;

// A small browser/API client for one host of the server under test. It sends the tenant's
// host name in the Host header (the server picks the tenant from it), keeps a cookie jar like
// a browser would, and optionally a bearer token like an API client would.
//
// Copies are independent (own jar, own headers), so deriving a client never disturbs the
// original:
//   auto api = server.client(tenant).asUser(token);
//   auto r = api.post("/api/v1/questions", {{"title", "..."}});
//   EXPECT_EQ(r.status, 201) << r;
class HttpClient {
public:
    HttpClient(int port, std::string host);

    // Same host and cookies, with `Authorization: Bearer TOKEN` on every request.
    HttpClient asUser(const std::string& token) const;
    // Same host, no token and no cookies.
    HttpClient anonymous() const;
    // Same credentials (token and cookies) sent to another host: what a stolen or replayed
    // credential looks like to the other tenant.
    HttpClient onHost(const std::string& host) const;

    // Connects from this loopback address (e.g. "127.0.0.7") instead of 127.0.0.1, so the server
    // sees a client of its own: what per-address limits are tested with.
    HttpClient fromAddress(const std::string& address) const;

    // A header sent with every later request (e.g. X-CSRF-Token, Accept).
    HttpClient& setHeader(const std::string& name, const std::string& value);
    HttpClient& removeHeader(const std::string& name);

    HttpResult get(const std::string& path, const Headers& extra = {});
    // JSON body; a null body sends no body at all.
    HttpResult post(const std::string& path, const nlohmann::json& body = nullptr,
                    const Headers& extra = {});
    HttpResult put(const std::string& path, const nlohmann::json& body = nullptr,
                   const Headers& extra = {});
    HttpResult patch(const std::string& path, const nlohmann::json& body = nullptr,
                     const Headers& extra = {});
    HttpResult del(const std::string& path, const Headers& extra = {});
    // application/x-www-form-urlencoded, as a browser submits a form.
    HttpResult postForm(const std::string& path, const Form& fields, const Headers& extra = {});
    // Anything else; `content_type` empty means no Content-Type header.
    HttpResult send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& content_type, const Headers& extra = {});

    // GETs `page`, keeps its cookies (the anonymous CSRF seed) and returns its
    // <meta name="csrf-token">. Throws when the page has none.
    std::string fetchCsrf(const std::string& page = "/login");

    // Cookie jar. Set-Cookie answers update it; Max-Age=0 or an empty value removes a cookie.
    std::string cookie(const std::string& name) const;
    bool hasCookie(const std::string& name) const { return cookies_.count(name) > 0; }
    void setCookie(const std::string& name, const std::string& value) { cookies_[name] = value; }
    void removeCookie(const std::string& name) { cookies_.erase(name); }
    void clearCookies() { cookies_.clear(); }
    const std::map<std::string, std::string>& cookies() const { return cookies_; }

    const std::string& host() const { return host_; }
    int port() const { return port_; }
    const std::string& token() const { return token_; }

private:
    void rememberCookies(const HttpResult& r);

    int port_;
    std::string host_;
    std::string token_;
    std::string source_address_;
    Headers headers_;
    std::map<std::string, std::string> cookies_;
};

}  // namespace agora::test
