// The checks every request input passes where it enters (InputChecks.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "http/InputChecks.h"
#include "util/Error.h"

namespace agora {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

std::string nested(int depth, const std::string& inner = "1") {
    return std::string(static_cast<size_t>(depth), '[') + inner +
           std::string(static_cast<size_t>(depth), ']');
}

TEST(InputChecks, JsonNestsAtMost64Levels) {
    EXPECT_NO_THROW(parseJsonInput("{\"type\":" + nested(63) + "}"));
    try {
        parseJsonInput("{\"type\":" + nested(64) + "}");
        FAIL() << "65 levels were accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::BadRequest);
        EXPECT_THAT(e.what(), HasSubstr("deeper than 64 levels"));
    }
}

TEST(InputChecks, TheCrashingBodyIsRefusedInOnePass) {
    // 200 KB, 100,000 levels: parsed, then copied or destroyed, it overflows the stack.
    std::string body = "{\"type\":" + nested(100000) + "}";
    auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(parseJsonInput(body), Error);
    auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(ms, 1000);
}

TEST(InputChecks, BracketsInsideStringsAreNotNesting) {
    std::string text = std::string(200, '[') + "\\\"" + std::string(200, '{');
    auto v = parseJsonInput("{\"body\":\"" + text + "\"}");
    EXPECT_EQ(v["body"], std::string(200, '[') + "\"" + std::string(200, '{'));
}

TEST(InputChecks, MalformedJsonIsABadRequest) {
    EXPECT_THROW(parseJsonInput("{\"a\":"), Error);
    EXPECT_THROW(parseJsonInput("{\"a\":\"\xff\"}"), Error) << "strings must be UTF-8";
}

TEST(InputChecks, ControlCharactersAreRefusedNamingTheField) {
    EXPECT_NO_THROW(requirePlainText("body", std::string_view("tabs\tand\r\nbreaks")));
    for (char c : {'\0', '\x01', '\x08', '\x0b', '\x0c', '\x1b', '\x1f'}) {
        std::string value = std::string("visible") + c + "hidden";
        try {
            requirePlainText("title", std::string_view(value));
            FAIL() << "accepted control character " << static_cast<int>(c);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorCode::Invalid);
            EXPECT_EQ(httpStatusFor(e.kind()), 422);
            EXPECT_EQ(e.code(), "control_character");
            EXPECT_EQ(e.field(), "title");
        }
    }
    try {
        requirePlainText("title", std::string_view("a\0b", 3));
    } catch (const Error& e) {
        EXPECT_THAT(e.what(), HasSubstr("U+0000"));
    }
}

TEST(InputChecks, JsonValuesAreCheckedAllTheWayDown) {
    EXPECT_NO_THROW(requirePlainText("tags", json::array({"a", "b"})));
    EXPECT_THROW(requirePlainText("tags", json::array({"a", std::string("b\0", 2)})), Error);
    json settings = {{"site", {{std::string("key\x01"), "v"}}}};
    EXPECT_THROW(requirePlainText("site", settings["site"]), Error);
    EXPECT_NO_THROW(requirePlainText("n", json(42)));
}

TEST(InputChecks, QueryParametersMustBeUtf8WithoutControlCharacters) {
    EXPECT_NO_THROW(requireValidQuery({{"tag", "c++"}, {"q", "crème brûlée"}}));
    try {
        requireValidQuery({{"tag", "\xff"}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorCode::BadRequest);
        EXPECT_EQ(e.field(), "tag");
        EXPECT_THAT(e.what(), HasSubstr("not valid UTF-8"));
    }
    EXPECT_THROW(requireValidQuery({{"tag", std::string("a\0b", 3)}}), Error);
    EXPECT_THROW(requireValidQuery({{"\xc3", "x"}}), Error);
}

}  // namespace
}  // namespace agora
