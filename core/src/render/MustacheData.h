#pragma once

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

namespace agora {

// JSON as kainjow Mustache data: empty strings and null are false (as in JavaScript
// Mustache, so {{#field}} hides empty fields), numbers are their text.
kainjow::mustache::data toMustacheData(const nlohmann::json& j);

}  // namespace agora
