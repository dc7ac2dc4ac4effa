#pragma once

#include <cstdint>
#include <string>

namespace agora {

// A GitHub-style identicon for an account: a 5×5 mirrored pattern in one colour, both taken
// from a hash of the account id. Deterministic (the same id draws the same picture on every
// server, every time), needs no storage and sends nobody's address to a third-party service.
std::string identiconSvg(int64_t account_id);

}  // namespace agora
