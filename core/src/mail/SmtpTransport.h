#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "mail/MimeMail.h"
#include "mail/SmtpUrl.h"

namespace Poco::Net {
class SMTPClientSession;
}

namespace agora::mail {

// One SMTP session (Poco::Net): connects, says EHLO, upgrades with STARTTLS when the server
// offers it (smtp://) or starts in TLS (smtps://), logs in when the URL has credentials, then
// sends any number of mails over the same connection. Closing (QUIT) happens in the destructor
// too, so a failed batch never leaves a socket behind. Every call throws on failure
// (Poco::Exception); the caller decides what is retried.
class SmtpTransport {
public:
    explicit SmtpTransport(const SmtpUrl& url,
                           std::chrono::seconds timeout = std::chrono::seconds(30));
    ~SmtpTransport();
    SmtpTransport(const SmtpTransport&) = delete;
    SmtpTransport& operator=(const SmtpTransport&) = delete;

    void send(const MimeMail& mail);
    // QUIT; the destructor does it too, ignoring errors.
    void close();

private:
    std::unique_ptr<Poco::Net::SMTPClientSession> session_;
    bool open_ = false;
};

}  // namespace agora::mail
