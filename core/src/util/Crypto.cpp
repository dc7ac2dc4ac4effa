#include "util/Crypto.h"

#include <sodium.h>

#include <atomic>
#include <stdexcept>
#include <vector>

namespace agora::crypto {

namespace {
constexpr unsigned long long kOps = 2;
constexpr size_t kMem = 19 * 1024 * 1024;
std::atomic<uint64_t> password_work{0};

std::string hashUncounted(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("out of memory hashing a password");
    return out;
}

std::string hex(const unsigned char* data, size_t n) {
    std::string out(n * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), data, n);
    out.resize(n * 2);
    return out;
}
}  // namespace

void init() {
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
}

std::string randomToken(size_t bytes) {
    std::vector<unsigned char> buf(bytes);
    randombytes_buf(buf.data(), buf.size());
    std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                    '\0');
    sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(std::char_traits<char>::length(out.c_str()));
    return out;
}

std::string sha256Hex(std::string_view data) {
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return hex(out, sizeof out);
}

std::string hmacHex(std::string_view key, std::string_view message) {
    unsigned char out[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size());
    crypto_auth_hmacsha256_final(&st, out);
    return hex(out, sizeof out);
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hashPassword(std::string_view password) {
    ++password_work;
    return hashUncounted(password);
}

bool verifyPassword(std::string_view hash, std::string_view password) {
    ++password_work;
    std::string h(hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void dummyVerify(std::string_view password) {
    // Made once, uncounted: only the verify below is this login's work.
    static const std::string fake = hashUncounted("not a real password");
    verifyPassword(fake, password);
}

uint64_t passwordWork() {
    return password_work.load();
}

}  // namespace agora::crypto
