#pragma once

#include <string>

namespace agora::mail {

// Where mail goes (AGORA_SMTP_URL): smtp://[user:pass@]host[:port] (port 25 by default,
// STARTTLS when the server offers it) or smtps://…[:port] (implicit TLS, port 465). User and
// password may be percent-encoded.
struct SmtpUrl {
    bool implicit_tls = false;
    std::string user;
    std::string password;
    std::string host;
    int port = 25;

    // Throws std::invalid_argument saying what is wrong (never echoing the password).
    static SmtpUrl parse(const std::string& url);
    // host:port with the scheme, without credentials: safe to log.
    std::string redacted() const;
};

}  // namespace agora::mail
