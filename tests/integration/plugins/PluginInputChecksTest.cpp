// The host checks a plugin route's body before the plugin sees it (plugins parse the raw bytes
// themselves), and request_input hands plugins only values or lists of values.
#include "plugins/FlagsTestSupport.h"

namespace agora::test {
namespace {

using ::testing::HasSubstr;

class PluginInputChecksTest : public FlagsTest {};

TEST_F(PluginInputChecksTest, ADeeplyNestedFlagTypeIsA400AndTheServerAnswersAfterwards) {
    auto& s = server();
    auto t = flagsTenant("pldeep");
    auto author = s.apiClient(t, s.createUser(t));
    auto flagger = s.apiClient(t, s.createUser(t));
    int64_t q = ask(author);
    auto before = s.networkState(t.id);

    std::string body = "{\"type\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    ASSERT_GT(body.size(), 200000u);
    auto r = flagger.send("POST", path("posts", q, "/flags"), body, "application/json");
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_EQ(r.errorCode(), "bad_request") << r;
    EXPECT_THAT(r.errorMessage(), HasSubstr("deeper than 64 levels"));
    EXPECT_EQ(flags(t), 0);
    EXPECT_EQ(s.networkState(t.id), before);

    EXPECT_EQ(s.client(t).get("/healthz").status, 200);
    flagId(flagger, q, "spam");
    EXPECT_EQ(flags(t), 1);
}

TEST_F(PluginInputChecksTest, RequestInputRefusesStructuresWhereAValueBelongs) {
    auto& s = server();
    auto t = flagsTenant("plscalar");
    auto author = s.apiClient(t, s.createUser(t));
    auto flagger = s.apiClient(t, s.createUser(t));
    int64_t q = ask(author);

    for (const json& type : {json::array({json::array({"spam"})}), json{{"name", "spam"}}}) {
        auto r = flagPost(flagger, q, type);
        EXPECT_EQ(r.status, 422) << type.dump() << ": " << r;
        EXPECT_EQ(r.errorField(), "type") << r;
        EXPECT_THAT(r.errorMessage(), HasSubstr("a list of those"));
    }
    // A flat list still arrives as JSON text (as documented for tags); flags knows no such type.
    auto flat = flagPost(flagger, q, json::array({"spam"}));
    EXPECT_EQ(flat.status, 422) << flat;
    EXPECT_EQ(flat.errorField(), "type") << flat;
    EXPECT_EQ(flags(t), 0);
}

TEST_F(PluginInputChecksTest, ControlCharactersInAPluginsBodyAreRefusedBeforeItRuns) {
    auto& s = server();
    auto t = flagsTenant("plnul");
    auto author = s.apiClient(t, s.createUser(t));
    auto flagger = s.apiClient(t, s.createUser(t));
    int64_t q = ask(author);
    auto r = flagPost(flagger, q, "something else", std::string("shown\0hidden", 12));
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_EQ(r.errorCode(), "control_character") << r;
    EXPECT_EQ(r.errorField(), "reason") << r;
    EXPECT_EQ(flags(t), 0);
    // Query strings on plugin routes too (they reach the plugin as JSON).
    EXPECT_EQ(flagger.get("/api/v1/flag-types?target=%ff").status, 400);
}

}  // namespace
}  // namespace agora::test
