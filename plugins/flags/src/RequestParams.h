#pragma once

#include <optional>
#include <string>

#include "Sql.h"

namespace agora::flags {

// A text input from a JSON body or a form, trimmed; nullopt when absent.
std::optional<std::string> textInput(const Call& call, const std::string& name);
// A trimmed text input of at most `max` characters (422 naming it otherwise); "" when absent.
std::string boundedInput(const Call& call, const std::string& name, size_t max);

// {"items", "page", "per_page", "total"} (SPEC §4 lists).
json listJson(json items, int64_t page, int64_t per_page, int64_t total);

}  // namespace agora::flags
