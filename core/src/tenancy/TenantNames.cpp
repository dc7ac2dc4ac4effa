#include "tenancy/TenantNames.h"

#include <regex>

namespace agora {

bool validTenantSlug(const std::string& slug) {
    static const std::regex re("^[a-z][a-z0-9-]{0,39}$");
    return std::regex_match(slug, re);
}

std::string tenantSchemaFor(const std::string& slug) {
    std::string s = "t_" + slug;
    for (auto& c : s)
        if (c == '-')
            c = '_';
    return s;
}

}  // namespace agora
