#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace agora {

// Checks every request input passes once, where it enters (RequestContext and the plugin
// host), so no handler has to remember them:
//  - JSON nests at most kMaxJsonDepth levels. nlohmann parses iteratively but copies,
//    compares, dumps and destroys values recursively: a 200 KB body of 100,000 "[" overflows
//    the stack of whichever thread touches it.
//  - Text holds no C0 control character but tab, line feed and carriage return. A NUL in
//    particular is cut off by libpq (what is stored ends there) while the Markdown renderer
//    keeps the rest — text moderators can't see in the source.
//  - Query parameters are valid UTF-8, so they reach PostgreSQL (and JSON output) intact.
constexpr int kMaxJsonDepth = 64;

// Parses a request body; 400 when it isn't JSON or nests deeper than `max_depth` (counted in
// one pass over the text, before anything is built).
nlohmann::json parseJsonInput(std::string_view text, int max_depth = kMaxJsonDepth);

// Position of the first control character that text may not hold, or npos.
size_t findControlCharacter(std::string_view s);

// 422 naming `field` when `value` holds such a character.
void requirePlainText(const std::string& field, std::string_view value);

// Every key and string in `value`; errors name `field` (a body's top-level key).
void requirePlainText(const std::string& field, const nlohmann::json& value);

// 400 naming the parameter when a name or value is not UTF-8 or holds a control character.
void requireValidQuery(const std::map<std::string, std::string>& query);

}  // namespace agora
