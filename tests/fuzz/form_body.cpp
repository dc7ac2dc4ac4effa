// application/x-www-form-urlencoded bodies, query strings and Cookie headers: the parsers in
// http/HttpRequest.h that run on every request before any handler. Properties: urlDecode
// undoes urlEncode for any bytes, and a pair encoded with urlEncode parses back to itself.
#include <cstdint>
#include <string>

#include "FuzzCheck.h"
#include "http/HttpRequest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string s(reinterpret_cast<const char*>(data), size);

    auto form = agora::parseUrlEncoded(s);
    for (const auto& [k, v] : form) {
        agora::validUtf8(k);
        agora::validUtf8(v);
    }
    agora::parseCookies(s);
    agora::urlDecode(s);

    FUZZ_CHECK(agora::urlDecode(agora::urlEncode(s)) == s, "urlDecode(urlEncode(x)) != x");

    // Any bytes as a key and a value (the first and second half of the input).
    std::string key = s.substr(0, s.size() / 2), value = s.substr(s.size() / 2);
    if (!key.empty()) {
        auto pair = agora::parseUrlEncoded(agora::urlEncode(key) + "=" + agora::urlEncode(value));
        FUZZ_CHECK(pair.size() == 1 && pair.begin()->first == key && pair.begin()->second == value,
                   "an encoded pair does not parse back to itself");
    }
    return 0;
}
