// JSON request bodies as the server reads them: parseJsonInput as RequestContext::body() and
// the plugin host call it (nesting past 64 levels, malformed or out of range → 400, not an
// object → 400), then every member the way handlers and plugins take
// it: strings as they are, numbers and booleans through dump() (RequestContext::input), any
// other value as JSON text (the plugin host's request_input).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "FuzzCheck.h"
#include "http/InputChecks.h"
#include "util/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    nlohmann::json j;
    try {
        j = agora::parseJsonInput(body);
    } catch (const agora::Error& e) {
        // 400: not JSON, nested too deep, or a number past double's range (out_of_range, which
        // used to be a 500). Nothing else may escape.
        FUZZ_CHECK(e.kind() == agora::ErrorCode::BadRequest, "a refusal that is not a 400");
        return 0;
    }
    if (!j.is_object())
        return 0;  // 400 "request body must be a JSON object"
    for (const auto& [name, value] : j.items()) {
        if (value.is_null())
            continue;
        std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        // What a handler stores must read back as the same value.
        if (!value.is_string() && !value.is_number_float())
            FUZZ_CHECK(nlohmann::json::parse(text) == value, "dump() does not parse back");
    }
    return 0;
}
