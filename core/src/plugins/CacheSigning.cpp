#include "plugins/CacheSigning.h"

#include <cctype>

#include "util/Crypto.h"

namespace agora {

namespace {

constexpr std::string_view kPrefix = "s1.";
constexpr size_t kMacHex = 64;

std::string mac(std::string_view secret, std::string_view key, std::string_view value) {
    std::string message;
    message.reserve(key.size() + 1 + value.size());
    message.append(key).append("\n").append(value);
    return crypto::hmacHex(secret, message);
}

bool bareInteger(std::string_view s) {
    size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
    if (i >= s.size() || s.size() > 20)
        return false;
    for (; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
    return true;
}

}  // namespace

std::string CacheSigning::sign(std::string_view secret, std::string_view key,
                               std::string_view value) {
    std::string out(kPrefix);
    out += mac(secret, key, value);
    out += '.';
    out.append(value);
    return out;
}

std::optional<std::string> CacheSigning::open(std::string_view secret, std::string_view key,
                                              std::string_view stored) {
    if (bareInteger(stored))
        return std::string(stored);
    if (stored.size() < kPrefix.size() + kMacHex + 1 ||
        stored.substr(0, kPrefix.size()) != kPrefix || stored[kPrefix.size() + kMacHex] != '.')
        return std::nullopt;
    auto given = stored.substr(kPrefix.size(), kMacHex);
    auto value = stored.substr(kPrefix.size() + kMacHex + 1);
    if (!crypto::constantTimeEqual(given, mac(secret, key, value)))
        return std::nullopt;
    return std::string(value);
}

}  // namespace agora
