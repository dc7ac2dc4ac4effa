#pragma once

#include <agora/plugin.hpp>

#include <nlohmann/json.hpp>
#include <string>

namespace agora::flags {

using json = nlohmann::json;
using plugin::Call;
using plugin::Fail;

// Bound parameters for Call::query, as the JSON array the host expects.
template <typename... A>
std::string args(const A&... values) {
    return json::array({json(values)...}).dump();
}

// Runs one statement and returns its rows (an array of column → value objects).
inline json rows(const Call& call, const std::string& sql, const std::string& params = "") {
    return json::parse(call.query(sql, params));
}

// SQL for a timestamptz expression as "2026-03-01T12:00:00Z".
inline std::string iso(const std::string& expr) {
    return "to_char((" + expr + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// JSON text for a response or a page; invalid UTF-8 from stored text never throws here.
inline std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace agora::flags
