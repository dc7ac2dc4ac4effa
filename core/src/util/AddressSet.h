#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace agora {

// A set of IP addresses and CIDR ranges, e.g. "127.0.0.1, ::1, 10.0.0.0/8". Used for the
// proxies whose X-Forwarded-* headers are believed and the clients allowed to read /metrics:
// an explicit list, so no header a visitor sends can widen either.
class AddressSet {
public:
    AddressSet() = default;
    // Throws std::invalid_argument naming the entry that is not an address or range.
    static AddressSet parse(const std::string& list);

    bool contains(const std::string& address) const;
    static bool isAddress(const std::string& text);
    bool empty() const { return ranges_.empty(); }

private:
    struct Range {
        std::array<uint8_t, 16> bytes{};  // IPv4 stored as IPv4-mapped IPv6
        int prefix = 128;
    };
    std::vector<Range> ranges_;
};

}  // namespace agora
