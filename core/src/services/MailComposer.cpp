#include "services/MailComposer.h"

#include "services/Services.h"
#include "settings/TenantSettings.h"

namespace agora {

namespace {

std::string replaceHost(std::string pattern, const std::string& host) {
    auto at = pattern.find("{host}");
    if (at != std::string::npos)
        pattern.replace(at, 6, host);
    while (!pattern.empty() && pattern.back() == '/')
        pattern.pop_back();
    return pattern;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
        s.pop_back();
    auto first = s.find_first_not_of("\r\n ");
    return first == std::string::npos ? "" : s.substr(first);
}

}  // namespace

MailComposer::MailComposer(Services& services)
    : services_(services), templates_(services.config().root / "themes") {}

mail::MimeMail MailComposer::compose(const mail::ClaimedMail& claimed) {
    json data = claimed.data.is_object() ? claimed.data : json::object();
    std::string theme = "default";
    std::string host;
    mail::MimeMail out;
    data["community"] = {
        {"name", "Agora"}, {"url", ""}, {"primary_color", "#1f5f8b"}, {"accent_color", "#e8a33d"}};
    out.from_name = "Agora";
    if (claimed.tenant_id) {
        if (auto tenant = services_.directory().byId(*claimed.tenant_id)) {
            // A staging copy holds real members' addresses: whatever queued this, it must not
            // reach them.
            if (tenant->isStaging())
                throw std::runtime_error("staging communities send no mail");
            TenantSettings settings(services_.settings(), *tenant);
            theme = tenant->theme;
            host = tenant->hosts.empty() ? "" : tenant->hosts.front();
            data["community"] = {{"name", tenant->name},
                                 {"url", replaceHost(services_.config().public_url, host)},
                                 {"primary_color", settings.text("theme.primary_color")},
                                 {"accent_color", settings.text("theme.accent_color")}};
            out.from_name = tenant->name;
            out.from_address = settings.text("mail.from");
        }
    }
    if (out.from_address.empty())
        out.from_address = "noreply@" + (host.empty() ? std::string("agora.invalid") : host);
    data["to_name"] = claimed.to_name;
    if (!claimed.unsubscribe_url.empty())
        data["unsubscribe_url"] = claimed.unsubscribe_url;

    const std::string base = "mail/" + claimed.template_name;
    out.subject = trimmed(templates_.render(theme, base + ".subject", data));
    out.text = templates_.render(theme, base + ".txt", data);
    json page = data;
    page["content"] = templates_.render(theme, base + ".html", data);
    page["subject"] = out.subject;
    out.html = templates_.render(theme, "mail/layout.html", page);
    out.to_address = claimed.to_address;
    out.to_name = claimed.to_name;
    out.unsubscribe_url = claimed.unsubscribe_url;
    out.message_id = mail::newMessageId(host);
    return out;
}

}  // namespace agora
