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

TEST(Router, RefusesAPatternOfTheSameShapeNamingBoth) {
    Router r;
    r.add("GET", "/questions/{id}", [](RequestContext&) {});
    try {
        r.add(
            "GET", "/questions/{qid}", [](RequestContext&) {}, "reviews");
        FAIL() << "an overlapping route was accepted";
    } catch (const std::logic_error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("/questions/{qid} (plugin reviews)"), std::string::npos) << what;
        EXPECT_NE(what.find("/questions/{id} (core)"), std::string::npos) << what;
    }
}

TEST(Router, ALiteralOverlapsAParamAtTheSamePosition) {
    Router r;
    r.add("GET", "/questions/{id}", [](RequestContext&) {});
    EXPECT_THROW(r.add("GET", "/questions/new", [](RequestContext&) {}), std::logic_error);
    EXPECT_THROW(r.add("HEAD", "/questions/1", [](RequestContext&) {}), std::logic_error);
    // {a}/x and y/{b} both take /y/x.
    r.add("POST", "/{a}/x", [](RequestContext&) {});
    EXPECT_THROW(r.add("POST", "/y/{b}", [](RequestContext&) {}), std::logic_error);
}

TEST(Router, DisjointShapesAndOtherMethodsAreLegal) {
    Router r;
    r.add("GET", "/questions/{id}", [](RequestContext&) {});
    r.add("POST", "/questions/{id}", [](RequestContext&) {});         // same path, other method
    r.add("GET", "/questions/{id}/answers", [](RequestContext&) {});  // longer
    r.add("GET", "/tags/{name}", [](RequestContext&) {});
    r.add("GET", "/flags/mine", [](RequestContext&) {});  // literals differ at position 0
    r.add("POST", "/notifications/read", [](RequestContext&) {});
    r.add("GET", "/notifications/{id}", [](RequestContext&) {});
    EXPECT_FALSE(Router::overlaps("GET", "/a/b/{c}", "GET", "/a/x/{c}"));
    EXPECT_TRUE(Router::overlaps("GET", "/a/{b}/c", "HEAD", "/a/x/{y}"));
    EXPECT_EQ(r.routes().size(), 7u);
}
