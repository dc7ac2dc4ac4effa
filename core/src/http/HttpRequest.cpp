#include "http/HttpRequest.h"

#include <cctype>
#include <cstdint>

#include "util/PercentDecode.h"

namespace agora {

std::string urlDecode(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < s.size() &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string pathDecode(const std::string& s) {
    return percentDecode(s);
}

bool sameSitePath(const std::string& path) {
    if (path.empty() || path[0] != '/')
        return false;
    if (path.size() > 1 && (path[1] == '/' || path[1] == '\\'))
        return false;
    for (char c : path) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\\')
            return false;
    }
    return true;
}

std::map<std::string, std::string> parseUrlEncoded(const std::string& s) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos <= s.size()) {
        size_t amp = s.find('&', pos);
        if (amp == std::string::npos)
            amp = s.size();
        std::string pair = s.substr(pos, amp - pos);
        if (!pair.empty()) {
            size_t eq = pair.find('=');
            std::string k = urlDecode(pair.substr(0, eq));
            std::string v = eq == std::string::npos ? "" : urlDecode(pair.substr(eq + 1));
            // Repeated keys (tags=a&tags=b) are joined with a space, the tag separator.
            auto it = out.find(k);
            if (it != out.end() && !v.empty())
                it->second += (it->second.empty() ? "" : " ") + v;
            else if (it == out.end())
                out[k] = v;
        }
        pos = amp + 1;
    }
    return out;
}

std::map<std::string, std::string> parseCookies(const std::string& header) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos < header.size()) {
        size_t semi = header.find(';', pos);
        if (semi == std::string::npos)
            semi = header.size();
        std::string part = header.substr(pos, semi - pos);
        size_t eq = part.find('=');
        if (eq != std::string::npos) {
            size_t b = part.find_first_not_of(' ');
            out[part.substr(b, eq - b)] = part.substr(eq + 1);
        }
        pos = semi + 1;
    }
    return out;
}

bool validUtf8(const std::string& s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

}  // namespace agora
