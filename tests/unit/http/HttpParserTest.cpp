#include "http/HttpParser.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

HeadParse parse(std::string_view text, HeadLimits limits = {}) {
    return parseRequestHead(text, limits);
}

TEST(HttpParserTest, ParsesACompleteHead) {
    auto p = parse("GET /q/1?a=b HTTP/1.1\r\nHost: cooking.localhost\r\nX-A:  one \r\n\r\nrest");
    ASSERT_EQ(p.status, HeadParse::Status::Complete);
    EXPECT_EQ(p.head.method, "GET");
    EXPECT_EQ(p.head.target, "/q/1?a=b");
    EXPECT_EQ(p.head.minor_version, 1);
    EXPECT_EQ(p.head.header("host"), "cooking.localhost");
    EXPECT_EQ(p.head.header("x-a"), "one");
    EXPECT_EQ(p.consumed, std::string_view("GET /q/1?a=b HTTP/1.1\r\nHost: cooking.localhost\r\n"
                                           "X-A:  one \r\n\r\n")
                              .size());
}

TEST(HttpParserTest, WaitsForTheBlankLine) {
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n").status, HeadParse::Status::Incomplete);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n\r").status, HeadParse::Status::Incomplete);
    EXPECT_EQ(parse("GET / HTTP/1.1\nHost: a\n\n").status, HeadParse::Status::Complete);
}

TEST(HttpParserTest, RefusesAMissingOrRepeatedHost) {
    auto none = parse("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
    EXPECT_EQ(none.status, HeadParse::Status::Invalid);
    EXPECT_EQ(none.error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/1.0\r\n\r\n").error.status, 400);
}

TEST(HttpParserTest, RefusesControlCharactersFoldingAndBadNames) {
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nBad Name: b\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nX : b\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n").error.status, 400);
    // A tab inside a value is allowed on the way in (it is refused only in what we send).
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb\r\n\r\n").status,
              HeadParse::Status::Complete);
}

TEST(HttpParserTest, RefusesMalformedRequestLines) {
    EXPECT_EQ(parse("GET  / HTTP/1.1\r\nHost: a\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET http://evil/ HTTP/1.1\r\nHost: a\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET / HTTP/2.0\r\nHost: a\r\n\r\n").error.status, 505);
    EXPECT_EQ(parse("G(T / HTTP/1.1\r\nHost: a\r\n\r\n").error.status, 400);
    EXPECT_EQ(parse("GET /\x80 HTTP/1.1\r\nHost: a\r\n\r\n").error.status, 400);
}

TEST(HttpParserTest, EnforcesSizeLimitsWhileBytesArrive) {
    HeadLimits limits;
    limits.max_head_bytes = 64;
    limits.max_target_bytes = 16;
    limits.max_headers = 2;
    EXPECT_EQ(
        parse("GET /" + std::string(40, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", limits).error.status,
        414);
    // No end of head yet, but already past the limit: refused without waiting for more.
    EXPECT_EQ(
        parse("GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(100, 'x'), limits).error.status,
        431);
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", limits).error.status, 431);
}

TEST(HttpParserTest, FramingRefusesSmugglingShapes) {
    auto framing = [](std::string_view text, ParseError& err) {
        auto p = parseRequestHead(text, {});
        EXPECT_EQ(p.status, HeadParse::Status::Complete) << text;
        return bodyFraming(p.head, {}, err);
    };
    ParseError err;
    framing("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            err);
    EXPECT_EQ(err.status, 400);
    err = {};
    framing("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", err);
    EXPECT_EQ(err.status, 400);
    err = {};
    framing("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", err);
    EXPECT_EQ(err.status, 400);
    err = {};
    framing("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", err);
    EXPECT_EQ(err.status, 501);
    err = {};
    auto ok = framing(
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", err);
    EXPECT_FALSE(err);
    EXPECT_EQ(ok.kind, BodyFraming::Kind::Length);
    EXPECT_EQ(ok.length, 3u);
}

TEST(HttpParserTest, TooLargeBodyIsDecidedFromTheHeadBeforeContinue) {
    HeadLimits limits;
    limits.max_body_bytes = 1000;
    auto p = parseRequestHead(
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n",
        limits);
    ParseError err;
    bodyFraming(p.head, limits, err);
    EXPECT_EQ(err.status, 413);
    auto small = parseRequestHead(
        "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n", limits);
    err = {};
    auto f = bodyFraming(small.head, limits, err);
    EXPECT_FALSE(err);
    EXPECT_TRUE(f.expect_continue);
}

TEST(HttpParserTest, KeepAliveFollowsVersionAndConnectionHeader) {
    auto keep = [](std::string_view text) {
        ParseError err;
        return bodyFraming(parseRequestHead(text, {}).head, {}, err).keep_alive;
    };
    EXPECT_TRUE(keep("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    EXPECT_FALSE(keep("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
    EXPECT_FALSE(keep("GET / HTTP/1.0\r\nHost: a\r\n\r\n"));
    EXPECT_TRUE(keep("GET / HTTP/1.0\r\nHost: a\r\nConnection: Keep-Alive\r\n\r\n"));
}

TEST(HttpParserTest, ChunkedBodiesDecodeAcrossReads) {
    ChunkedDecoder d(100);
    std::string in = "5\r\nhel", body;
    ParseError err;
    EXPECT_FALSE(d.feed(in, body, err));
    in += "lo\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    EXPECT_TRUE(d.feed(in, body, err));
    EXPECT_FALSE(err);
    EXPECT_EQ(body, "hello world");
    EXPECT_EQ(in, "NEXT");  // the next pipelined request stays buffered
}

TEST(HttpParserTest, ChunkedBodiesAreBounded) {
    ChunkedDecoder d(10);
    std::string in = "20\r\n", body;
    ParseError err;
    EXPECT_FALSE(d.feed(in, body, err));
    EXPECT_EQ(err.status, 413);
    ChunkedDecoder bad(10);
    std::string junk = "zz\r\n";
    err = {};
    EXPECT_FALSE(bad.feed(junk, body, err));
    EXPECT_EQ(err.status, 400);
}

}  // namespace
}  // namespace agora
