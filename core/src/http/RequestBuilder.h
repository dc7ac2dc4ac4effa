#pragma once

#include <string>

#include "http/HttpParser.h"
#include "http/HttpRequest.h"
#include "util/AddressSet.h"

namespace agora {

// Turns a parsed head and its body into the plain request handlers see: the path decoded for
// routing (and kept encoded for anything that echoes it), the query parsed, repeated headers
// joined, and the client's address and scheme taken from X-Forwarded-For/-Proto only when the
// socket peer is one of `trusted_proxies`.
HttpRequest buildRequest(RequestHead&& head, std::string&& body, const std::string& peer,
                         const AddressSet& trusted_proxies);

}  // namespace agora
