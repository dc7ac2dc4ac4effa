#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "util/Subprocess.h"

namespace agora::test {

// One message the capture server kept: its headers (names lower-cased, values as sent, still
// RFC 2047-encoded when they were) and its raw text.
struct CapturedMail {
    std::filesystem::path file;
    std::map<std::string, std::string> headers;
    std::string raw;
    // The decoded text/plain part (quoted-printable and base64 undone), else the whole body.
    std::string text() const;
    // The decoded text/html part, "" when there is none.
    std::string html() const;
    const std::string& header(const std::string& name) const;
    // The first "http(s)://…PATH_PREFIX…" link in the text part, "" when there is none.
    std::string linkContaining(const std::string& path_prefix) const;
};

// A real SMTP server (ops/mail-capture.py, aiosmtpd) on a free port, keeping every message as
// a .eml file in a fresh folder: what the sender talks to in tests. stop()/start() simulate an
// outage on the same port.
class CaptureSmtp {
public:
    // With a certificate and key (PEM files) the server offers STARTTLS and takes no mail
    // before the client has switched to it.
    struct Tls {
        std::string cert, key;
    };
    CaptureSmtp();
    explicit CaptureSmtp(Tls tls);
    ~CaptureSmtp();
    CaptureSmtp(const CaptureSmtp&) = delete;
    CaptureSmtp& operator=(const CaptureSmtp&) = delete;

    int port() const { return port_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
    const std::filesystem::path& folder() const { return folder_; }

    void start();
    void stop();

    // Every message so far, oldest first.
    std::vector<CapturedMail> messages() const;
    // Messages whose envelope recipient is `address`.
    std::vector<CapturedMail> messagesTo(const std::string& address) const;
    // Waits until `done(messages())` or the timeout; returns the last messages() seen.
    std::vector<CapturedMail> waitFor(
        const std::function<bool(const std::vector<CapturedMail>&)>& done,
        std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    // Forgets every message kept so far.
    void clear();

private:
    int port_ = 0;
    std::filesystem::path folder_;
    Tls tls_;
    std::unique_ptr<Subprocess> process_;
};

}  // namespace agora::test
