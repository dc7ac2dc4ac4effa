// JSON request bodies as the server reads them: nlohmann's parser as in RequestContext::body()
// (malformed → 400, not an object → 400), then every member the way handlers and plugins take
// it: strings as they are, numbers and booleans through dump() (RequestContext::input), any
// other value as JSON text (the plugin host's request_input).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "FuzzCheck.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception&) {
        // 400 "request body is not valid JSON". Any json::exception, as body() catches: a
        // number past double's range is out_of_range, not parse_error (it used to be a 500).
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
