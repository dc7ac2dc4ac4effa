#include "mail/SmtpUrl.h"

#include <stdexcept>

#include "util/PercentDecode.h"

namespace agora::mail {

namespace {

[[noreturn]] void bad(const std::string& why) {
    throw std::invalid_argument("AGORA_SMTP_URL: " + why);
}

}  // namespace

SmtpUrl SmtpUrl::parse(const std::string& url) {
    SmtpUrl out;
    std::string rest;
    if (url.rfind("smtp://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("smtps://", 0) == 0) {
        rest = url.substr(8);
        out.implicit_tls = true;
        out.port = 465;
    } else {
        bad("must start with smtp:// or smtps://");
    }
    if (auto slash = rest.find('/'); slash != std::string::npos) {
        if (rest.find_first_not_of('/', slash) != std::string::npos)
            bad("takes no path");
        rest.resize(slash);
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        auto credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = credentials.find(':');
        out.user = percentDecode(credentials.substr(0, colon));
        if (colon != std::string::npos)
            out.password = percentDecode(credentials.substr(colon + 1));
        if (out.user.empty())
            bad("has credentials without a user name");
    }
    // host, [v6-host], each with an optional :port
    std::string port;
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string::npos)
            bad("has an unclosed [ in the host");
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':')
                bad("has text after the host");
            port = rest.substr(close + 2);
            if (port.empty())
                bad("port must be a number");
        }
        rest = rest.substr(1, close - 1);
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
        port = rest.substr(colon + 1);
        rest.resize(colon);
        if (port.empty())
            bad("port must be a number");
    }
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
            bad("port must be a number");
        out.port = std::stoi(port);
        if (out.port < 1 || out.port > 65535)
            bad("port must be 1..65535");
    }
    if (rest.empty())
        bad("names no host");
    out.host = rest;
    return out;
}

std::string SmtpUrl::redacted() const {
    return std::string(implicit_tls ? "smtps://" : "smtp://") + host + ":" + std::to_string(port);
}

}  // namespace agora::mail
