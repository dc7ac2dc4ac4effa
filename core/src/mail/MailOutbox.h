#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "db/PgConnection.h"

namespace agora::mail {

using json = nlohmann::json;

// One mail to queue. Its text is rendered when it is sent, from the community's theme:
// themes/<theme>/mail/<template>.{subject,txt,html}.mustache (falling back to the default
// theme), with `data` plus what the sender adds: `community` {name, url, primary_color,
// accent_color}, `to_name`, and `unsubscribe_url` when set. Links in `data` should be
// site-relative ("/reset/abc"); templates prefix them with {{community.url}}.
struct OutgoingMail {
    std::optional<int64_t> tenant_id;   // whose name, colours, host and mail.from it carries
    std::optional<int64_t> account_id;  // the recipient's account, when there is one
    std::string to_address;
    std::string to_name;
    std::string kind;  // reset, verify, email_change, notification, digest… (for headers)
    std::string template_name;
    json data = json::object();
    // Absolute one-click unsubscribe URL: the mail then carries List-Unsubscribe and
    // List-Unsubscribe-Post (RFC 8058).
    std::optional<std::string> unsubscribe_url;
};

// The outbox (network.mail_outbox). enqueue() runs on the caller's connection so the mail joins
// the caller's transaction: it exists exactly when what caused it committed.
class MailOutbox {
public:
    // Returns the outbox id. 422 for a malformed address or template name.
    static int64_t enqueue(db::PgConnection& conn, const OutgoingMail& mail);
};

}  // namespace agora::mail
