#pragma once

#include <string>

namespace agora {

// Decodes %XX escapes (a '%' not followed by two hex digits stays as it is). '+' is left
// alone: it means a space only in form bodies and query strings (urlDecode does that).
std::string percentDecode(const std::string& s);

// Percent-encodes everything but RFC 3986's unreserved characters (letters, digits, -_.~).
std::string urlEncode(const std::string& s);

}  // namespace agora
