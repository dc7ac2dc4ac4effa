#include "accounts/AccountMail.h"

#include "mail/MailOutbox.h"

namespace agora {

bool AccountMail::queue(db::PgConnection& c, const Tenant& tenant, int64_t account_id,
                        const std::string& to_address, const std::string& to_name,
                        const std::string& template_name, nlohmann::json data) {
    if (tenant.isStaging())
        return false;
    mail::OutgoingMail m;
    m.tenant_id = tenant.id;
    m.account_id = account_id;
    m.to_address = to_address;
    m.to_name = to_name;
    m.kind = template_name;
    m.template_name = template_name;
    m.data = std::move(data);
    mail::MailOutbox::enqueue(c, m);
    return true;
}

std::string AccountMail::maskAddress(const std::string& address) {
    auto at = address.find('@');
    if (at == std::string::npos)
        return "…";
    std::string local = address.substr(0, at);
    std::string shown = local.substr(0, local.size() > 2 ? 2 : 1);
    return shown + "…" + address.substr(at);
}

}  // namespace agora
