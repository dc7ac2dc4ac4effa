#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agora {

// Limits on what a client may send before a request is handed to a worker. Every one of them
// is checked while bytes arrive, so no request costs more than these to read.
struct HeadLimits {
    size_t max_head_bytes = 32 * 1024;   // request line + headers
    size_t max_target_bytes = 8 * 1024;  // the request target (path and query)
    size_t max_headers = 100;
    uint64_t max_body_bytes = 1024 * 1024;
};

// A request line and its headers, exactly as sent (names lower-cased). Nothing is decoded yet.
struct RequestHead {
    std::string method;
    std::string target;  // origin-form: "/path?query", still percent-encoded
    int minor_version = 1;
    std::vector<std::pair<std::string, std::string>> headers;

    // The first value of a header (lower-case name), or empty.
    std::string_view header(std::string_view lower_name) const;
    size_t count(std::string_view lower_name) const;
};

// How the body that follows a head is framed, decided before any of it is read: a request
// whose body is too large is answered 413 before `100 Continue` and before it is sent.
struct BodyFraming {
    enum class Kind { None, Length, Chunked };
    Kind kind = Kind::None;
    uint64_t length = 0;
    bool keep_alive = true;
    bool expect_continue = false;
};

// The outcome of reading: Incomplete (need more bytes), Complete, or an HTTP status to answer
// with (400, 413, 414, 431, 501, 505) and a message safe to show the client.
struct ParseError {
    int status = 0;
    std::string message;
    explicit operator bool() const { return status != 0; }
};

struct HeadParse {
    enum class Status { Incomplete, Complete, Invalid };
    Status status = Status::Incomplete;
    size_t consumed = 0;  // bytes of the head, including the blank line (when Complete)
    RequestHead head;
    ParseError error;
};

// Parses a request head from the start of `buf`. Leading empty lines are skipped (RFC 9112
// §2.2). Refuses obsolete line folding, control characters in values, a missing or repeated
// Host, and anything past the limits.
HeadParse parseRequestHead(std::string_view buf, const HeadLimits& limits);

// Body framing from a parsed head: Content-Length and Transfer-Encoding together, conflicting
// lengths or an unknown coding are refused (request smuggling needs exactly those).
BodyFraming bodyFraming(const RequestHead& head, const HeadLimits& limits, ParseError& error);

// Incremental decoder for `Transfer-Encoding: chunked` request bodies.
class ChunkedDecoder {
public:
    explicit ChunkedDecoder(uint64_t max_body = 1024 * 1024) : max_body_(max_body) {}
    // Consumes bytes from the front of `in` (erasing what it used), appending data to `body`.
    // Returns true once the last chunk and trailers are read; sets `error` on bad input or when
    // the body grows past the limit.
    bool feed(std::string& in, std::string& body, ParseError& error);

private:
    enum class State { Size, Data, DataEnd, Trailer };
    State state_ = State::Size;
    uint64_t remaining_ = 0;
    uint64_t max_body_;
};

}  // namespace agora
