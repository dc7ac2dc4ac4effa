#include "render/PageFrame.h"

#include <cctype>

#include "accounts/Viewer.h"
#include "settings/TenantSettings.h"
#include "tenancy/Tenant.h"

namespace agora {

namespace {

std::string initials(const std::string& name) {
    std::string out;
    bool start = true;
    for (char c : name) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            start = true;
        } else if (start && std::isalnum(static_cast<unsigned char>(c))) {
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            start = false;
            if (out.size() == 2)
                break;
        } else {
            start = false;
        }
    }
    return out.empty() ? "A" : out;
}

}  // namespace

json pageFrame(const PageFrameInputs& in) {
    const auto& tenant = in.tenant;
    const auto& v = in.viewer;
    std::string logo = in.settings.text("theme.logo_text");
    json frame;
    frame["site"] = {{"name", tenant.name},
                     {"slug", tenant.slug},
                     {"tagline", in.settings.text("site.tagline")},
                     {"primary", in.settings.text("theme.primary_color")},
                     {"accent", in.settings.text("theme.accent_color")},
                     {"logo", logo.empty() ? initials(tenant.name) : logo},
                     {"staging", tenant.isStaging()}};
    frame["viewer"] = {{"signed_in", v.signedIn()}, {"id", v.account_id},
                       {"username", v.username},    {"display_name", v.display_name},
                       {"is_admin", v.isAdmin()},   {"is_moderator", v.isModerator()}};
    if (v.signedIn()) {
        frame["viewer"]["has_unread"] = v.unread_notifications > 0;
        frame["viewer"]["unread_label"] = v.unread_notifications >= 100
                                              ? std::string("99+")
                                              : std::to_string(v.unread_notifications);
    }
    frame["csrf"] = in.csrf;
    if (!in.flash.empty())
        frame["flash"] = in.flash;
    return frame;
}

}  // namespace agora
