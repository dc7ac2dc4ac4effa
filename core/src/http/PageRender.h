#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace agora {

using json = nlohmann::json;
class RequestContext;

// The HTML of page `templ` for this request: its frame from the tenant, its settings, the
// viewer, the CSRF token and the one-time flash message (read and cleared here), decorated by
// the renderer's page decorators.
std::string renderPage(RequestContext& ctx, const std::string& templ, json data);

}  // namespace agora
