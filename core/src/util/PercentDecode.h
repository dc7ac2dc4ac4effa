#pragma once

#include <string>

namespace agora {

// Decodes %XX escapes (a '%' not followed by two hex digits stays as it is). '+' is left
// alone: it means a space only in form bodies and query strings (urlDecode does that).
std::string percentDecode(const std::string& s);

}  // namespace agora
