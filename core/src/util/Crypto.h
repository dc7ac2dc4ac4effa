#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace agora::crypto {

void init();  // sodium_init; call once at start
// URL-safe random token with `bytes` bytes of entropy.
std::string randomToken(size_t bytes = 32);
std::string sha256Hex(std::string_view data);
std::string hmacHex(std::string_view key, std::string_view message);
bool constantTimeEqual(std::string_view a, std::string_view b);
// Argon2id (libsodium), OWASP's minimum parameters (19 MiB, t=2): strong enough for a
// network account store and cheap enough that login doesn't become a DoS vector.
std::string hashPassword(std::string_view password);
bool verifyPassword(std::string_view hash, std::string_view password);
// Spend the same time as a verify against a real hash (unknown-user logins look identical).
void dummyVerify(std::string_view password);
// Argon2id computations (hashes and verifies, dummies included) since start: lets tests prove
// that a throttled login costs none and an admitted one exactly one.
uint64_t passwordWork();

}  // namespace agora::crypto
