#include "mail/MailOutbox.h"

#include <regex>

#include "util/Error.h"

namespace agora::mail {

int64_t MailOutbox::enqueue(db::PgConnection& conn, const OutgoingMail& mail) {
    static const std::regex address(R"([^@\s]+@[^@\s]+)");
    static const std::regex template_name("[a-z][a-z0-9_]{0,39}");
    if (!std::regex_match(mail.to_address, address))
        throw Error::invalid("to_address", "is not an email address");
    if (!std::regex_match(mail.template_name, template_name))
        throw Error::invalid("template", "must be lower-case letters, digits and _");
    auto r = conn.q(
        "INSERT INTO network.mail_outbox (tenant_id, account_id, to_address, to_name, kind, "
        "template, data, unsubscribe_url) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) "
        "RETURNING id",
        mail.tenant_id, mail.account_id, mail.to_address, mail.to_name, mail.kind,
        mail.template_name, mail.data.dump(), mail.unsubscribe_url);
    return r.i64(0, 0);
}

}  // namespace agora::mail
