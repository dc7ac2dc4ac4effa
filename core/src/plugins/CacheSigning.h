#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agora {

// Values plugins store through cache_set are signed, so that whoever can write to Redis cannot
// forge them (an abilities grant set, above all: a forged entry with the right stamp would
// grant abilities). The host signs on cache_set and checks on cache_get / cache_mget; a value
// whose signature fails is treated as a miss and logged.
//
// Stored form: "s1." + hex HMAC-SHA256(key, cache key "\n" value) + "." + value. The Redis key
// is part of the MAC, so a genuine entry copied to another key (another member, another
// tenant) fails too.
//
// Counters are the exception: cache_incr's values are incremented by Redis itself and cannot
// carry a signature, so a bare integer is passed through as it is. Plugins must not base an
// authorisation on a counter alone (abilities uses one only as a generation that, when forged,
// turns entries into misses).
class CacheSigning {
public:
    static std::string sign(std::string_view secret, std::string_view key, std::string_view value);
    // The value, or nullopt when `stored` is neither correctly signed nor a bare integer.
    static std::optional<std::string> open(std::string_view secret, std::string_view key,
                                           std::string_view stored);
};

}  // namespace agora
