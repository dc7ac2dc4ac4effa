// Who sees and handles which flag, and the parsers and text helpers the routes share.
#include <gtest/gtest.h>

#include "FlagRules.h"

namespace agora::flags {

namespace {

const FlagViewer kAnonymous{0, false, false};
const FlagViewer kMember{10, false, false};
const FlagViewer kCurator{20, false, true};
const FlagViewer kModerator{30, true, true};

// A flag by `flagger` on a post by member 99 (nobody above), unless `author` says otherwise.
FlagFacts flagBy(int64_t flagger, bool confidential = false, bool escalated = false,
                 int64_t author = 99) {
    FlagFacts f;
    f.flagger_id = flagger;
    f.target_author_id = author;
    f.confidential = confidential;
    f.escalated = escalated;
    f.pending = true;
    return f;
}

TEST(FlagRules, ModeratorsSeeEverythingAsHandlers) {
    for (const auto& f : {flagBy(10), flagBy(10, true), flagBy(10, false, true), flagBy(30)})
        EXPECT_EQ(viewOf(kModerator, f), FlagView::Handler);
}

TEST(FlagRules, CuratorsSeeOthersOpenFlagsButNotConfidentialOrEscalatedOnes) {
    EXPECT_EQ(viewOf(kCurator, flagBy(10)), FlagView::Handler);
    EXPECT_EQ(viewOf(kCurator, flagBy(10, true)), FlagView::None);
    EXPECT_EQ(viewOf(kCurator, flagBy(10, false, true)), FlagView::None);
    // Their own flag: as its flagger, whatever its type.
    EXPECT_EQ(viewOf(kCurator, flagBy(20)), FlagView::Flagger);
    EXPECT_EQ(viewOf(kCurator, flagBy(20, true)), FlagView::Flagger);
}

TEST(FlagRules, CuratorsNeitherSeeNorHandleFlagsOnWhatTheyWrote) {
    EXPECT_EQ(viewOf(kCurator, flagBy(10, false, false, 20)), FlagView::None);
    auto own_content = handleRefusal(kCurator, flagBy(10, false, false, 20));
    ASSERT_TRUE(own_content);
    EXPECT_EQ(own_content->status, 403);
    EXPECT_EQ(own_content->code, "own_content");
    // Moderators are trusted with it.
    EXPECT_EQ(viewOf(kModerator, flagBy(10, false, false, 30)), FlagView::Handler);
    EXPECT_FALSE(handleRefusal(kModerator, flagBy(10, false, false, 30)));
}

TEST(FlagRules, MembersSeeOnlyTheirOwnAndAnonymousNothing) {
    EXPECT_EQ(viewOf(kMember, flagBy(10, true, true)), FlagView::Flagger);
    EXPECT_EQ(viewOf(kMember, flagBy(11)), FlagView::None);
    EXPECT_EQ(viewOf(kAnonymous, flagBy(0)), FlagView::None);
}

TEST(FlagRules, WhoMayHandleAFlag) {
    EXPECT_FALSE(handleRefusal(kModerator, flagBy(10, true, true)));
    EXPECT_FALSE(handleRefusal(kCurator, flagBy(10)));
    auto member = handleRefusal(kMember, flagBy(11));
    ASSERT_TRUE(member);
    EXPECT_EQ(member->status, 403);
    EXPECT_EQ(member->code, "ability_required:flag_curate");
    auto own = handleRefusal(kCurator, flagBy(20));
    ASSERT_TRUE(own);
    EXPECT_EQ(own->code, "own_flag");
    EXPECT_EQ(handleRefusal(kCurator, flagBy(10, true))->code, "moderator_required");
    EXPECT_EQ(handleRefusal(kCurator, flagBy(10, false, true))->code, "moderator_required");
}

TEST(FlagRules, StatusFiltersAndOutcomesAreExactWords) {
    EXPECT_EQ(parseStatusFilter(""), StatusFilter::All);
    EXPECT_EQ(parseStatusFilter("pending"), StatusFilter::Pending);
    EXPECT_EQ(parseStatusFilter("helpful"), StatusFilter::Helpful);
    EXPECT_EQ(parseStatusFilter("declined"), StatusFilter::Declined);
    EXPECT_EQ(parseStatusFilter("escalated"), StatusFilter::Escalated);
    EXPECT_EQ(parseStatusFilter("handled"), StatusFilter::Handled);
    for (const char* bad : {"Pending", "maybe", " pending", "helpful,declined"})
        EXPECT_FALSE(parseStatusFilter(bad)) << bad;
    EXPECT_EQ(parseOutcome("helpful"), Outcome::Helpful);
    EXPECT_EQ(parseOutcome("declined"), Outcome::Declined);
    for (const char* bad : {"maybe", "", "pending", "HELPFUL"})
        EXPECT_FALSE(parseOutcome(bad)) << bad;
}

TEST(FlagRules, LengthsCountCharactersAndExcerptsCutOnThem) {
    EXPECT_EQ(utf8Length("abc"), 3u);
    EXPECT_EQ(utf8Length("\xC3\xBC\xC3\xBC"), 2u);   // üü
    EXPECT_EQ(utf8Length("\xE2\x80\x94"), 1u);       // —
    EXPECT_EQ(utf8Length("\xF0\x9F\x98\x80x"), 2u);  // 😀x
    EXPECT_EQ(excerpt("short", 10), "short");
    EXPECT_EQ(excerpt("exactly10!", 10), "exactly10!");
    EXPECT_EQ(excerpt("one two three", 7), "one two\u2026");
    EXPECT_EQ(excerpt("\xC3\xBC\xC3\xBC\xC3\xBC", 2), "\xC3\xBC\xC3\xBC\u2026")
        << "never half a character";
    EXPECT_EQ(trim("  a b \r\n"), "a b");
    EXPECT_EQ(trim(" \t "), "");
}

TEST(FlagRules, BooleansFromFormsAndJson) {
    for (const char* yes : {"true", "1", "on", "yes"})
        EXPECT_EQ(parseBool(yes), true) << yes;
    for (const char* no : {"false", "0", "off", "no", ""})
        EXPECT_EQ(parseBool(no), false) << no;
    EXPECT_FALSE(parseBool("maybe"));
}

}  // namespace

}  // namespace agora::flags
