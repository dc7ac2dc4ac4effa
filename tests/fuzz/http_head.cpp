// HTTP request heads and bodies as the event loop reads them: parseRequestHead on any bytes,
// then framing, chunked decoding and the request handlers see. Properties: a complete head
// never claims more bytes than it was given; parsed header values carry no CR, LF or NUL;
// feeding the same bytes split in two gives the same answer as feeding them at once; a
// response that echoes the request's path in a header is never split by it.
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "http/HttpParser.h"
#include "http/RequestBuilder.h"
#include "http/ResponseWriter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    agora::HeadLimits limits;
    limits.max_head_bytes = 4096;
    limits.max_target_bytes = 1024;
    limits.max_body_bytes = 8192;

    auto p = agora::parseRequestHead(bytes, limits);
    // Parsing a prefix never finishes where the whole would have failed, and vice versa a
    // complete head stays complete with more bytes after it.
    if (size > 1) {
        auto prefix = agora::parseRequestHead(bytes.substr(0, size / 2), limits);
        if (prefix.status == agora::HeadParse::Status::Complete)
            FUZZ_CHECK(
                p.status == agora::HeadParse::Status::Complete && p.consumed == prefix.consumed,
                "a head complete in a prefix changed with more bytes");
    }
    if (p.status != agora::HeadParse::Status::Complete)
        return 0;
    FUZZ_CHECK(p.consumed <= size, "consumed more than given");
    for (const auto& [name, value] : p.head.headers)
        FUZZ_CHECK(value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos,
                   "a header value holds CR, LF or NUL");

    agora::ParseError err;
    auto framing = agora::bodyFraming(p.head, limits, err);
    std::string rest(bytes.substr(p.consumed)), body;
    if (!err && framing.kind == agora::BodyFraming::Kind::Chunked) {
        agora::ChunkedDecoder whole(limits.max_body_bytes);
        std::string copy = rest, body_whole;
        agora::ParseError e1;
        bool done_whole = whole.feed(copy, body_whole, e1);
        FUZZ_CHECK(body_whole.size() <= limits.max_body_bytes, "chunked body past its limit");
        agora::ChunkedDecoder split(limits.max_body_bytes);
        std::string first = rest.substr(0, rest.size() / 2), second = rest.substr(rest.size() / 2);
        agora::ParseError e2;
        bool done_split = split.feed(first, body, e2);
        if (!done_split && !e2) {
            first += second;
            done_split = split.feed(first, body, e2);
        }
        FUZZ_CHECK(done_whole == done_split && bool(e1) == bool(e2),
                   "chunked decoding depends on how the bytes arrive");
        if (done_whole)
            FUZZ_CHECK(body == body_whole, "chunked body differs when split");
    }

    auto req = agora::buildRequest(std::move(p.head), std::move(body), "127.0.0.1",
                                   agora::AddressSet::parse("127.0.0.1"));
    agora::HttpResponse res;
    res.status = 303;
    res.header("Location", "/login?next=" + req.raw_path);
    res.header("X-Echo", req.path);
    auto wire = agora::serializeResponse(res, true);
    auto head_end = wire.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string::npos, "no end of response head");
    auto head = wire.substr(0, head_end);
    FUZZ_CHECK(head.find("\r\nSet-Cookie") == std::string::npos &&
                   head.find('\n') == head.find("\r\n") + 1,
               "request data split the response head");
    return 0;
}
