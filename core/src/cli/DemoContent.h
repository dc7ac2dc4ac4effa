#pragma once

#include "app/App.h"
#include "tenancy/Tenant.h"

namespace agora::cli {

// A few hand-written questions, answers, votes and comments for the demo communities, created
// through the same service members use. Does nothing where questions already exist.
int seedDemoContent(App& app, const Tenant& tenant);

}  // namespace agora::cli
