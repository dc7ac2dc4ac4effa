#include "accounts/Identicon.h"

#include <cstdio>

#include "util/Crypto.h"

namespace agora {

namespace {

int hexByte(const std::string& hex, size_t i) {
    return std::stoi(hex.substr(i * 2, 2), nullptr, 16);
}

}  // namespace

std::string identiconSvg(int64_t account_id) {
    std::string h = crypto::sha256Hex("agora-identicon:" + std::to_string(account_id));
    int hue = (hexByte(h, 0) << 8 | hexByte(h, 1)) % 360;
    int saturation = 45 + hexByte(h, 2) % 30;
    int lightness = 40 + hexByte(h, 3) % 20;
    char colour[40];
    std::snprintf(colour, sizeof colour, "hsl(%d,%d%%,%d%%)", hue, saturation, lightness);
    std::string svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-1 -1 7 7\" width=\"70\" "
        "height=\"70\" shape-rendering=\"crispEdges\"><rect x=\"-1\" y=\"-1\" width=\"7\" "
        "height=\"7\" fill=\"#f0f0f0\"/><g fill=\"" +
        std::string(colour) + "\">";
    // 15 bits choose the left three columns; the right two mirror the left two.
    for (int row = 0; row < 5; ++row)
        for (int col = 0; col < 3; ++col) {
            int bit = row * 3 + col;
            if (!((hexByte(h, 4 + bit / 8) >> (bit % 8)) & 1))
                continue;
            for (int x : {col, 4 - col}) {
                svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(row) +
                       "\" width=\"1\" height=\"1\"/>";
                if (col == 2)
                    break;
            }
        }
    return svg + "</g></svg>";
}

}  // namespace agora
