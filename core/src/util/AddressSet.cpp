#include "util/AddressSet.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>
#include <stdexcept>

namespace agora {

namespace {

// IPv4 addresses become IPv4-mapped IPv6 (::ffff:a.b.c.d) so one comparison serves both
// families, and a peer reported as "::ffff:127.0.0.1" matches a rule written "127.0.0.1".
std::optional<std::array<uint8_t, 16>> toBytes(const std::string& text, bool& was_v4) {
    std::array<uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        was_v4 = true;
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        std::memcpy(out.data(), &v6, 16);
        was_v4 = false;
        return out;
    }
    return std::nullopt;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return "";
    auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

}  // namespace

AddressSet AddressSet::parse(const std::string& list) {
    AddressSet set;
    size_t pos = 0;
    while (pos <= list.size()) {
        auto comma = list.find(',', pos);
        if (comma == std::string::npos)
            comma = list.size();
        auto entry = trim(list.substr(pos, comma - pos));
        pos = comma + 1;
        if (entry.empty())
            continue;
        auto slash = entry.find('/');
        bool v4 = false;
        auto bytes = toBytes(entry.substr(0, slash), v4);
        if (!bytes)
            throw std::invalid_argument("not an IP address or range: \"" + entry + "\"");
        Range r;
        r.bytes = *bytes;
        r.prefix = 128;
        if (slash != std::string::npos) {
            auto bits = entry.substr(slash + 1);
            int max = v4 ? 32 : 128;
            if (bits.empty() || bits.size() > 3 ||
                bits.find_first_not_of("0123456789") != std::string::npos || std::stoi(bits) > max)
                throw std::invalid_argument("bad prefix length in \"" + entry + "\"");
            r.prefix = std::stoi(bits) + (v4 ? 96 : 0);
        }
        set.ranges_.push_back(r);
    }
    return set;
}

bool AddressSet::isAddress(const std::string& text) {
    bool v4 = false;
    return toBytes(text, v4).has_value();
}

bool AddressSet::contains(const std::string& address) const {
    bool v4 = false;
    auto bytes = toBytes(address, v4);
    if (!bytes)
        return false;
    for (const auto& r : ranges_) {
        int full = r.prefix / 8, rest = r.prefix % 8;
        if (std::memcmp(bytes->data(), r.bytes.data(), static_cast<size_t>(full)) != 0)
            continue;
        if (rest) {
            auto mask = static_cast<uint8_t>(0xff << (8 - rest));
            if ((((*bytes)[full] ^ r.bytes[full]) & mask) != 0)
                continue;
        }
        return true;
    }
    return false;
}

}  // namespace agora
