#include "support/HttpClient.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "http/HttpRequest.h"

namespace agora::test {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(' ');
    auto e = s.find_last_not_of(' ');
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

HttpClient::HttpClient(int port, std::string host) : port_(port), host_(std::move(host)) {}

HttpClient HttpClient::asUser(const std::string& token) const {
    HttpClient c = *this;
    c.token_ = token;
    return c;
}

HttpClient HttpClient::anonymous() const {
    HttpClient c = *this;
    c.token_.clear();
    c.cookies_.clear();
    return c;
}

HttpClient HttpClient::fromAddress(const std::string& address) const {
    HttpClient c = *this;
    c.source_address_ = address;
    return c;
}

HttpClient HttpClient::onHost(const std::string& host) const {
    HttpClient c = *this;
    c.host_ = host;
    return c;
}

HttpClient& HttpClient::setHeader(const std::string& name, const std::string& value) {
    removeHeader(name);
    headers_.emplace_back(name, value);
    return *this;
}

HttpClient& HttpClient::removeHeader(const std::string& name) {
    auto key = lower(name);
    headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                  [&](const auto& h) { return lower(h.first) == key; }),
                   headers_.end());
    return *this;
}

HttpResult HttpClient::get(const std::string& path, const Headers& extra) {
    return send("GET", path, "", "", extra);
}

HttpResult HttpClient::post(const std::string& path, const nlohmann::json& body,
                            const Headers& extra) {
    return send("POST", path, body.is_null() ? "" : body.dump(),
                body.is_null() ? "" : "application/json", extra);
}

HttpResult HttpClient::put(const std::string& path, const nlohmann::json& body,
                           const Headers& extra) {
    return send("PUT", path, body.is_null() ? "" : body.dump(),
                body.is_null() ? "" : "application/json", extra);
}

HttpResult HttpClient::patch(const std::string& path, const nlohmann::json& body,
                             const Headers& extra) {
    return send("PATCH", path, body.is_null() ? "" : body.dump(),
                body.is_null() ? "" : "application/json", extra);
}

HttpResult HttpClient::del(const std::string& path, const Headers& extra) {
    return send("DELETE", path, "", "", extra);
}

HttpResult HttpClient::postForm(const std::string& path, const Form& fields, const Headers& extra) {
    std::string body;
    for (const auto& [k, v] : fields) {
        if (!body.empty())
            body += '&';
        body.append(urlEncode(k)).append("=").append(urlEncode(v));
    }
    return send("POST", path, body, "application/x-www-form-urlencoded", extra);
}

HttpResult HttpClient::send(const std::string& method, const std::string& path,
                            const std::string& body, const std::string& content_type,
                            const Headers& extra) {
    // A fresh connection per request: tests stop and restart services, and a pooled
    // keep-alive socket would turn that into confusing client-side errors.
    std::unique_ptr<Poco::Net::HTTPClientSession> made;
    if (source_address_.empty()) {
        made = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1",
                                                              static_cast<Poco::UInt16>(port_));
    } else {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
        socket.impl()->bind(Poco::Net::SocketAddress(source_address_, 0));
        socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port_)));
        made = std::make_unique<Poco::Net::HTTPClientSession>(socket);
    }
    auto& session = *made;
    session.setTimeout(Poco::Timespan(15, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    // With the port, as a browser sends it: the server must strip it before the lookup.
    req.setHost(host_, static_cast<Poco::UInt16>(port_));
    if (!token_.empty())
        req.set("Authorization", "Bearer " + token_);
    if (!cookies_.empty()) {
        std::string header;
        for (const auto& [k, v] : cookies_) {
            if (!header.empty())
                header += "; ";
            header.append(k).append("=").append(v);
        }
        req.set("Cookie", header);
    }
    for (const auto& [k, v] : headers_)
        req.set(k, v);
    for (const auto& [k, v] : extra)
        req.set(k, v);
    if (!content_type.empty())
        req.setContentType(content_type);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;

    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    HttpResult r;
    r.status = static_cast<int>(resp.getStatus());
    for (const auto& [k, v] : resp)
        r.headers.emplace_back(lower(k), v);
    Poco::StreamCopier::copyToString(in, r.body);
    rememberCookies(r);
    return r;
}

std::string HttpClient::fetchCsrf(const std::string& page) {
    auto r = get(page);
    auto token = r.csrfMeta();
    if (token.empty())
        throw std::runtime_error("no csrf-token meta on " + host_ + page + " (" + r.describe() +
                                 ")");
    return token;
}

std::string HttpClient::cookie(const std::string& name) const {
    auto it = cookies_.find(name);
    return it == cookies_.end() ? "" : it->second;
}

void HttpClient::rememberCookies(const HttpResult& r) {
    for (const auto& set : r.headerValues("set-cookie")) {
        // "name=value; Path=/; Max-Age=N; ..." — only the pair and Max-Age matter here.
        std::vector<std::string> parts;
        for (size_t pos = 0; pos <= set.size();) {
            auto semi = set.find(';', pos);
            if (semi == std::string::npos)
                semi = set.size();
            parts.push_back(trim(set.substr(pos, semi - pos)));
            pos = semi + 1;
        }
        auto eq = parts[0].find('=');
        if (eq == std::string::npos)
            continue;
        auto name = trim(parts[0].substr(0, eq));
        auto value = trim(parts[0].substr(eq + 1));
        bool expired = value.empty();
        for (size_t i = 1; i < parts.size(); ++i)
            if (lower(parts[i]) == "max-age=0")
                expired = true;
        if (expired)
            cookies_.erase(name);
        else
            cookies_[name] = value;
    }
}

}  // namespace agora::test
