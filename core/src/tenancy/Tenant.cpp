#include "tenancy/Tenant.h"

namespace agora {

const char* tenantStatusName(TenantStatus status) {
    return status == TenantStatus::Disabled ? "disabled" : "active";
}

TenantStatus parseTenantStatus(const std::string& name) {
    // The column's CHECK allows only these two.
    return name == "disabled" ? TenantStatus::Disabled : TenantStatus::Active;
}

}  // namespace agora
