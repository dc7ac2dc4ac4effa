#include "mail/SmtpTransport.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timestamp.h>

#include <mutex>

namespace agora::mail {

namespace {

using Poco::Net::Context;
using Poco::Net::MailMessage;

// Verifies the server's certificate against the system's CAs (TLS that trusts anyone would
// hand the mail and the SMTP password to whoever sits in between).
Context::Ptr clientContext() {
    static std::once_flag once;
    static Context::Ptr context;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        context = new Context(Context::TLS_CLIENT_USE, "", Context::VERIFY_RELAXED, 9, true);
        // Explicit, so Poco never falls back to its defaults (which may ask on the console):
        // a certificate that does not verify ends the connection.
        Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(
            new Poco::Net::RejectCertificateHandler(false));
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
    });
    return context;
}

void build(const MimeMail& mail, MailMessage& m) {
    m.setSender(mailbox(mail.from_name, mail.from_address));
    // The To header is written by hand: Poco would put an encoded name inside quotes, where
    // RFC 2047 words are not decoded.
    m.set("To", mailbox(mail.to_name, mail.to_address));
    m.setSubject(encodedHeaderText(mail.subject));
    m.setDate(Poco::Timestamp());
    m.set("Message-ID", mail.message_id);
    m.set("Auto-Submitted", "auto-generated");
    if (!mail.unsubscribe_url.empty()) {
        m.set("List-Unsubscribe", "<" + mail.unsubscribe_url + ">");
        m.set("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    if (mail.html.empty()) {
        m.setContentType("text/plain; charset=UTF-8");
        m.setContent(mail.text, MailMessage::ENCODING_QUOTED_PRINTABLE);
        return;
    }
    m.setContentType("multipart/alternative");
    m.addContent(new Poco::Net::StringPartSource(mail.text, "text/plain; charset=UTF-8"),
                 MailMessage::ENCODING_QUOTED_PRINTABLE);
    m.addContent(new Poco::Net::StringPartSource(mail.html, "text/html; charset=UTF-8"),
                 MailMessage::ENCODING_QUOTED_PRINTABLE);
}

}  // namespace

SmtpTransport::SmtpTransport(const SmtpUrl& url, std::chrono::seconds timeout) {
    Poco::Timespan span(static_cast<long>(timeout.count()), 0);
    Poco::Net::SocketAddress address(url.host, static_cast<Poco::UInt16>(url.port));
    if (url.implicit_tls) {
        Poco::Net::SecureStreamSocket socket(clientContext());
        socket.setPeerHostName(url.host);
        socket.connect(address, span);
        socket.setNoDelay(true);
        session_ = std::make_unique<Poco::Net::SMTPClientSession>(socket);
        session_->setTimeout(span);
        session_->login();
    } else {
        Poco::Net::StreamSocket socket;
        socket.connect(address, span);
        // SMTP is a string of short commands each waiting for its reply: with Nagle's
        // algorithm every mail would sit out a delayed ACK (~40 ms).
        socket.setNoDelay(true);
        auto secure = std::make_unique<Poco::Net::SecureSMTPClientSession>(socket);
        secure->setTimeout(span);
        secure->login();
        // STARTTLS when offered; a server without it answers "not available" and the session
        // stays plain, as smtp:// asks.
        if (secure->startTLS(clientContext()))
            secure->login();
        session_ = std::move(secure);
    }
    open_ = true;
    if (!url.user.empty())
        session_->login(Poco::Net::SMTPClientSession::AUTH_LOGIN, url.user, url.password);
}

SmtpTransport::~SmtpTransport() {
    try {
        close();
    } catch (...) {
        // The connection is going away either way.
    }
}

void SmtpTransport::send(const MimeMail& mail) {
    Poco::Net::SMTPClientSession::Recipients to{mail.to_address};
    MailMessage message;
    build(mail, message);
    session_->sendMessage(message, to);
}

void SmtpTransport::close() {
    if (!open_)
        return;
    open_ = false;
    session_->close();
}

}  // namespace agora::mail
