#include "http/ResponseWriter.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "util/Error.h"

namespace agora {

namespace {

// Inline styles stay allowed (themes set their colours with one); scripts only from the site.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'";

std::string httpDate() {
    char buf[64];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

bool sameName(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
    out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

bool safeHeaderName(std::string_view name) {
    if (name.empty())
        return false;
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == ':' || c == '(' || c == ')' || c == ',' || c == '/' ||
            c == ';' || c == '<' || c == '>' || c == '=' || c == '?' || c == '@' || c == '[' ||
            c == ']' || c == '\\' || c == '{' || c == '}' || c == '"')
            return false;
    }
    return true;
}

bool safeHeaderValue(std::string_view value) {
    for (char c : value) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            return false;
    }
    return true;
}

const char* reasonPhrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 304:
            return "Not Modified";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

std::string serializeResponse(const HttpResponse& res, bool keep_alive, bool head_only) {
    bool safe = safeHeaderValue(res.content_type);
    for (const auto& [name, value] : res.headers) {
        if (!safeHeaderName(name) || !safeHeaderValue(value)) {
            safe = false;
            spdlog::error("refused to send header \"{}\": control character or bad name",
                          safeHeaderName(name) ? name : std::string("?"));
            break;
        }
    }
    if (!safe)
        return errorResponse(500, "internal error", !keep_alive);

    std::string out;
    out.reserve(512 + (head_only ? 0 : res.body.size()));
    out.append("HTTP/1.1 ").append(std::to_string(res.status)).append(" ");
    out.append(reasonPhrase(res.status)).append("\r\n");
    appendHeader(out, "Date", httpDate());
    if (!res.content_type.empty())
        appendHeader(out, "Content-Type", res.content_type);
    appendHeader(out, "Content-Length", std::to_string(head_only ? 0 : res.body.size()));
    appendHeader(out, "Connection", keep_alive ? "keep-alive" : "close");
    auto has = [&](std::string_view name) {
        for (const auto& h : res.headers)
            if (sameName(h.first, name))
                return true;
        return false;
    };
    if (!has("Content-Security-Policy"))
        appendHeader(out, "Content-Security-Policy", kContentSecurityPolicy);
    if (!has("X-Frame-Options"))
        appendHeader(out, "X-Frame-Options", "DENY");
    if (!has("X-Content-Type-Options"))
        appendHeader(out, "X-Content-Type-Options", "nosniff");
    if (!has("Referrer-Policy"))
        appendHeader(out, "Referrer-Policy", "strict-origin-when-cross-origin");
    for (const auto& [name, value] : res.headers)
        appendHeader(out, name, value);
    out.append("\r\n");
    if (!head_only)
        out.append(res.body);
    return out;
}

std::string errorResponse(int status, std::string_view message, bool close,
                          int retry_after_seconds) {
    HttpResponse res;
    res.status = status;
    res.content_type = "application/json";
    // The error table's code for the status (413 too_large, 429 rate_limited, 503 unavailable,
    // …); statuses only the edge answers with (408, 414, 431, 501, 505) have none there.
    const ErrorMapping* row = errorForStatus(status);
    std::string code = status == 408   ? "timeout"
                       : row           ? row->code
                       : status >= 500 ? "internal"
                                       : "bad_request";
    res.body = nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (retry_after_seconds > 0)
        res.header("Retry-After", std::to_string(retry_after_seconds));
    // Messages here are the server's own constants, never request data: safe by construction.
    return serializeResponse(res, !close);
}

}  // namespace agora
