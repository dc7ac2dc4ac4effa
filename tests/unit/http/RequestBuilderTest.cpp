#include "http/RequestBuilder.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

RequestHead head(std::string target,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    RequestHead h;
    h.method = "GET";
    h.target = std::move(target);
    h.headers = std::move(headers);
    h.headers.emplace_back("host", "cooking.localhost:8080");
    return h;
}

TEST(RequestBuilderTest, DecodesThePathForRoutingAndKeepsItEncoded) {
    auto req = buildRequest(head("/mod/flags/members/1%0d%0aSet-Cookie:%20x%3b?a=b+c&d=%ff"), "",
                            "127.0.0.1", {});
    EXPECT_EQ(req.path, "/mod/flags/members/1\r\nSet-Cookie: x;");
    EXPECT_EQ(req.raw_path, "/mod/flags/members/1%0d%0aSet-Cookie:%20x%3b");
    EXPECT_EQ(req.query.at("a"), "b c");
    EXPECT_EQ(req.query_string, "a=b+c&d=%ff");
    EXPECT_EQ(req.host, "cooking.localhost:8080");
    // '+' is a space only in queries.
    EXPECT_EQ(buildRequest(head("/tags/c+"), "", "127.0.0.1", {}).path, "/tags/c+");
}

TEST(RequestBuilderTest, JoinsRepeatedHeadersAndCookies) {
    auto req = buildRequest(
        head("/", {{"cookie", "a=1"}, {"cookie", "b=2"}, {"accept", "x"}, {"accept", "y"}}), "",
        "127.0.0.1", {});
    EXPECT_EQ(req.cookie("a"), "1");
    EXPECT_EQ(req.cookie("b"), "2");
    EXPECT_EQ(req.header("accept"), "x, y");
}

TEST(RequestBuilderTest, ForwardedHeadersAreIgnoredFromUntrustedPeers) {
    auto req =
        buildRequest(head("/", {{"x-forwarded-for", "10.1.1.1"}, {"x-forwarded-proto", "https"}}),
                     "", "198.51.100.7", AddressSet::parse("127.0.0.1"));
    EXPECT_EQ(req.remote, "198.51.100.7");
    EXPECT_FALSE(req.secure);
}

TEST(RequestBuilderTest, ATrustedProxyNamesTheClientAndTheScheme) {
    auto trusted = AddressSet::parse("127.0.0.1, 10.0.0.0/8");
    // The client may send its own X-Forwarded-For; only the hops our proxies added count.
    auto req = buildRequest(head("/", {{"x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.2.3.4"},
                                       {"x-forwarded-proto", "https"}}),
                            "", "127.0.0.1", trusted);
    EXPECT_EQ(req.remote, "203.0.113.9");
    EXPECT_EQ(req.peer, "127.0.0.1");
    EXPECT_TRUE(req.secure);
    auto junk =
        buildRequest(head("/", {{"x-forwarded-for", "not-an-ip"}}), "", "127.0.0.1", trusted);
    EXPECT_EQ(junk.remote, "127.0.0.1");
}

TEST(RequestBuilderTest, SameSitePathsOnly) {
    EXPECT_TRUE(sameSitePath("/questions/1?x=1"));
    EXPECT_TRUE(sameSitePath("/"));
    EXPECT_FALSE(sameSitePath(""));
    EXPECT_FALSE(sameSitePath("//evil.example"));
    EXPECT_FALSE(sameSitePath("/\\evil.example"));
    EXPECT_FALSE(sameSitePath("/\tevil.example"));
    EXPECT_FALSE(sameSitePath("/\t/evil.example"));
    EXPECT_FALSE(sameSitePath("/a\r\nSet-Cookie: x"));
    EXPECT_FALSE(sameSitePath("https://evil.example"));
    EXPECT_FALSE(sameSitePath("javascript:alert(1)"));
}

}  // namespace
}  // namespace agora
