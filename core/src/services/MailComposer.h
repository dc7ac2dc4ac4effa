#pragma once

#include <string>

#include "mail/MimeMail.h"
#include "mail/OutboxClaims.h"
#include "render/TemplateStore.h"

namespace agora {

class Services;

// Turns a claimed outbox row into a mail: its community's theme templates
// (mail/<template>.subject, .txt, .html inside mail/layout.html), the community's name,
// colours, public URL and sender address. Throws std::runtime_error when the mail can't be
// rendered (no such template) or must not go out (a staging community's): that mail is given
// up, not retried.
class MailComposer {
public:
    explicit MailComposer(Services& services);

    mail::MimeMail compose(const mail::ClaimedMail& claimed);

private:
    Services& services_;
    TemplateStore templates_;
};

}  // namespace agora
