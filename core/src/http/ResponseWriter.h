#pragma once

#include <string>
#include <string_view>

#include "http/HttpRequest.h"

namespace agora {

// The one place response heads are written. Header names must be tokens and values may hold
// no control character (CR, LF, TAB, NUL, DEL…): a value that does is never sent — the
// response becomes a plain 500 — so no input that reaches a header can split it or add one.
bool safeHeaderName(std::string_view name);
bool safeHeaderValue(std::string_view value);

// Serializes a response for the wire. `keep_alive` decides the Connection header; `head_only`
// sends the head of a HEAD request. Security headers (CSP, framing, nosniff, referrer) are
// added unless the response set its own.
std::string serializeResponse(const HttpResponse& res, bool keep_alive, bool head_only = false);

// An error the server answers itself, before any handler runs (400, 408, 413, 429, 431,
// 503…), in the API's error shape {"error": {"code", "message"}} whatever the path: there is
// no tenant page to render yet, and every client reads it.
std::string errorResponse(int status, std::string_view message, bool close,
                          int retry_after_seconds = 0);

const char* reasonPhrase(int status);

}  // namespace agora
