#include "http/ResponseWriter.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(ResponseWriterTest, WritesStatusLengthAndSecurityHeaders) {
    HttpResponse res;
    res.status = 404;
    res.body = "nope";
    auto wire = serializeResponse(res, true);
    EXPECT_EQ(wire.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << wire;
    EXPECT_NE(wire.find("Content-Length: 4\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Connection: keep-alive\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Content-Security-Policy: default-src 'self'; script-src 'self';"),
              std::string::npos);
    EXPECT_NE(wire.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_NE(wire.find("X-Frame-Options: DENY\r\n"), std::string::npos);
    EXPECT_NE(wire.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Referrer-Policy: strict-origin-when-cross-origin\r\n"), std::string::npos);
    EXPECT_EQ(wire.substr(wire.size() - 8), "\r\n\r\nnope");
}

TEST(ResponseWriterTest, ARouteMayChooseItsOwnSecurityHeader) {
    HttpResponse res;
    res.header("Referrer-Policy", "no-referrer");
    auto wire = serializeResponse(res, false);
    EXPECT_NE(wire.find("Referrer-Policy: no-referrer\r\n"), std::string::npos);
    EXPECT_EQ(wire.find("strict-origin-when-cross-origin"), std::string::npos);
    EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
}

TEST(ResponseWriterTest, RefusesControlCharactersInAnyHeaderValue) {
    for (std::string bad : {std::string("a\r\nSet-Cookie: x=1"), std::string("a\nb"),
                            std::string("a\tb"), std::string("a\0b", 3), std::string("a\x7f")}) {
        HttpResponse res;
        res.status = 303;
        res.header("Location", "/login?next=" + bad);
        auto wire = serializeResponse(res, true);
        EXPECT_EQ(wire.rfind("HTTP/1.1 500 ", 0), 0u) << wire;
        EXPECT_EQ(wire.find("Location"), std::string::npos) << wire;
        EXPECT_EQ(wire.find("Set-Cookie"), std::string::npos) << wire;
    }
    HttpResponse res;
    res.content_type = "text/html\r\nX-Injected: 1";
    EXPECT_EQ(serializeResponse(res, true).find("X-Injected"), std::string::npos);
    HttpResponse named;
    named.header("Bad Name", "v");
    EXPECT_EQ(serializeResponse(named, true).rfind("HTTP/1.1 500 ", 0), 0u);
}

TEST(ResponseWriterTest, HeadRequestsGetNoBody) {
    HttpResponse res;
    res.body = "hello";
    auto wire = serializeResponse(res, true, true);
    EXPECT_EQ(wire.substr(wire.size() - 4), "\r\n\r\n");
}

TEST(ResponseWriterTest, ErrorResponsesAreJsonInTheApisShape) {
    auto wire = errorResponse(413, "request body over 1024 KiB", true);
    EXPECT_EQ(wire.rfind("HTTP/1.1 413 Content Too Large\r\n", 0), 0u);
    EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
    EXPECT_NE(wire.find(R"({"error":{"code":"too_large","message":"request body over 1024 KiB"}})"),
              std::string::npos);
    auto busy = errorResponse(429, "slow down", true, 3);
    EXPECT_NE(busy.find("Retry-After: 3\r\n"), std::string::npos);
}

}  // namespace
}  // namespace agora
