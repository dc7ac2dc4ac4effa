#pragma once

#include <string>

namespace agora {

// A tenant's slug: lower-case letters, digits and dashes, starting with a letter, at most 40.
// Only slugs that pass this ever become part of a schema or role name.
bool validTenantSlug(const std::string& slug);
// The schema that holds a tenant's data: "t_" + slug with dashes as underscores.
std::string tenantSchemaFor(const std::string& slug);

}  // namespace agora
