#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/PercentDecode.h"

namespace agora {

// A request as handlers see it: plain values, no Poco types, so routing and handlers can be
// unit-tested without a socket.
struct HttpRequest {
    std::string method;
    std::string path;      // percent-decoded, for routing
    std::string raw_path;  // as sent (still encoded): what redirects and messages may echo
    std::string query_string;
    std::map<std::string, std::string> query;
    std::map<std::string, std::string> headers;  // lower-case names
    std::map<std::string, std::string> cookies;
    std::string body;
    std::string host;
    // The client's address: the socket peer, or — only when the peer is a configured trusted
    // proxy — the last address before it in X-Forwarded-For. Rate limits and /metrics use it.
    std::string remote;
    std::string peer;     // the socket peer itself
    bool secure = false;  // came over HTTPS (X-Forwarded-Proto from a trusted proxy)

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? "" : it->second;
    }
    std::string cookie(const std::string& name) const {
        auto it = cookies.find(name);
        return it == cookies.end() ? "" : it->second;
    }
    std::string param(const std::string& name, const std::string& fallback = "") const {
        auto it = query.find(name);
        return it == query.end() ? fallback : it->second;
    }
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/html; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    void header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
    }
};

// application/x-www-form-urlencoded and query strings.
// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool validUtf8(const std::string& s);
std::map<std::string, std::string> parseUrlEncoded(const std::string& s);
std::string urlDecode(const std::string& s);
// Percent-decoding for paths: '+' stays '+' (it means a space only in query strings).
std::string pathDecode(const std::string& s);
// Whether `path` is a same-site path safe to redirect to: "/…", not "//…" or "/\…", and no
// control characters or backslashes (browsers drop TAB/CR/LF, so "/\tevil" would become
// "//evil").
bool sameSitePath(const std::string& path);
std::map<std::string, std::string> parseCookies(const std::string& header);

}  // namespace agora
