#pragma once

// Property checks for the fuzz targets: a violated property prints what it was and aborts,
// which libFuzzer reports like a crash (and saves the input as crash-<sha1>).
#include <cstdio>
#include <cstdlib>
#include <string>

#define FUZZ_CHECK(cond, what)                                                                \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::fprintf(stderr, "fuzz property violated at %s:%d: %s\n", __FILE__, __LINE__, \
                         what);                                                               \
            std::abort();                                                                     \
        }                                                                                     \
    } while (0)

namespace fuzz {

inline std::string lowerAscii(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return s;
}

}  // namespace fuzz
