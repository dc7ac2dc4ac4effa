#include <gtest/gtest.h>

#include "http/HttpRequest.h"
#include "http/Router.h"
#include "tenancy/Directory.h"

using namespace agora;

namespace {
bool none(const std::string&) {
    return false;
}
bool all(const std::string&) {
    return true;
}
}  // namespace

TEST(Router, MatchesParamsAndMethods) {
    Router r;
    r.add("GET", "/questions/{id}", [](RequestContext&) {});
    r.add("POST", "/questions/{id}/answers", [](RequestContext&) {});
    auto m = r.match("GET", "/questions/42", none);
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("id"), "42");
    EXPECT_EQ(r.match("GET", "/questions/42/answers", none).route, nullptr);
    auto wrong = r.match("DELETE", "/questions/42", none);
    EXPECT_EQ(wrong.route, nullptr);
    EXPECT_TRUE(wrong.method_mismatch);
    EXPECT_NE(r.match("HEAD", "/questions/1", none).route, nullptr);
    EXPECT_EQ(r.match("GET", "/nothing", none).route, nullptr);
}

TEST(Router, DuplicateRouteIsAHardError) {
    Router r;
    r.add("GET", "/a", [](RequestContext&) {});
    EXPECT_THROW(r.add("GET", "/a", [](RequestContext&) {}), std::logic_error);
}

TEST(Router, PluginRoutesOnlyMatchWhereEnabled) {
    Router r;
    r.add(
        "GET", "/abilities", [](RequestContext&) {}, "abilities");
    EXPECT_EQ(r.match("GET", "/abilities", none).route, nullptr);
    EXPECT_NE(r.match("GET", "/abilities", all).route, nullptr);
}

TEST(HttpParsing, UrlEncodedAndCookies) {
    auto f = parseUrlEncoded("a=1&b=hello+world&c=%3Cx%3E&tags=x&tags=y");
    EXPECT_EQ(f["a"], "1");
    EXPECT_EQ(f["b"], "hello world");
    EXPECT_EQ(f["c"], "<x>");
    EXPECT_EQ(f["tags"], "x y");
    auto c = parseCookies("agora_session=abc; other=1;x=y");
    EXPECT_EQ(c["agora_session"], "abc");
    EXPECT_EQ(c["x"], "y");
}

TEST(Directory, HostNormalisation) {
    EXPECT_EQ(Directory::normaliseHost("Cooking.LOCALHOST:8080"), "cooking.localhost");
    EXPECT_EQ(Directory::normaliseHost("writing.localhost."), "writing.localhost");
    EXPECT_EQ(Directory::normaliseHost("a.localhost"), "a.localhost");
}
