// A suggested edit goes through core's edit_post (a dry run when it is suggested): a body over
// the Markdown limits is refused when suggested, not when a reviewer approves it.
#include "plugins/ReviewsTestSupport.h"

namespace agora::test {
namespace {

using ::testing::HasSubstr;

class ReviewsMarkdownLimitsTest : public ReviewsTest {};

TEST_F(ReviewsMarkdownLimitsTest, ASuggestedTableBombIsRefusedAndWritesNothing) {
    auto t = reviewsTenant("rvbomb");
    auto author = member(t);
    auto suggester = member(t);
    int64_t q = askId(author.api, "temper chocolate", {"chocolate"});
    auto before = reviewState(t);
    std::string bomb;
    for (int i = 0; i < 2000; ++i)
        bomb += "|a";
    bomb += "|\n";
    for (int i = 0; i < 2000; ++i)
        bomb += "|-";
    bomb += "|\n";
    for (int i = 0; i < 8000; ++i)
        bomb += "a\n";
    auto r = suggest(suggester.api, q, {{"body", bomb}, {"comment", "a table"}});
    EXPECT_TRUE(refused(r, 422, "markdown_too_complex", "body"));
    EXPECT_THAT(r.errorMessage(), HasSubstr("64 columns"));
    EXPECT_EQ(reviewState(t), before);
    // Tags as a list still reach the plugin (it reads them from the body itself).
    auto tags = suggest(suggester.api, q,
                        {{"tags", {"chocolate", "tempering"}}, {"comment", "a better tag"}});
    EXPECT_EQ(tags.status, 201) << tags;
}

}  // namespace
}  // namespace agora::test
