// Which abilities a member's outcomes earn, and what evaluation does to an existing grant.
#include <gtest/gtest.h>

#include "GrantRules.h"

namespace agora::abilities {

namespace {

MemberOutcomes member(int64_t good_posts, int64_t bad_posts, int64_t approved_edits,
                      int64_t rejected_edits, int64_t helpful_flags, int64_t declined_flags) {
    MemberOutcomes m;
    m.get(Criterion::Post) = {good_posts, bad_posts, {}};
    m.get(Criterion::Edit) = {approved_edits, rejected_edits, {}};
    m.get(Criterion::Flag) = {helpful_flags, declined_flags, {}};
    return m;
}

const AbilityInfo& ability(const std::string& id) {
    const auto* a = findAbility(id);
    if (!a)
        throw std::runtime_error("no ability " + id);
    return *a;
}

struct QualifyCase {
    const char* ability;
    MemberOutcomes outcomes;
    bool qualifies;
};

TEST(AbilityGrantRules, DefaultThresholdsTable) {
    Config defaults;
    const QualifyCase cases[] = {
        {"everyone", member(0, 0, 0, 0, 0, 0), true},
        {"unrestricted", member(0, 0, 0, 0, 0, 0), false},
        {"unrestricted", member(3, 0, 0, 0, 0, 0), false},
        {"unrestricted", member(4, 0, 0, 0, 0, 0), true},
        {"unrestricted", member(4, 1, 0, 0, 0, 0), false},
        {"unrestricted", member(7, 1, 0, 0, 0, 0), true},
        {"edit_posts", member(100, 0, 35, 0, 0, 0), false},
        {"edit_posts", member(0, 0, 36, 0, 0, 0), true},
        {"edit_tags", member(0, 0, 75, 0, 0, 0), false},
        {"edit_tags", member(0, 0, 76, 0, 0, 0), true},
        // Both criteria must pass.
        {"flag_close", member(16, 0, 0, 0, 36, 0), true},
        {"flag_close", member(16, 0, 0, 0, 35, 0), false},
        {"flag_close", member(15, 0, 0, 0, 36, 0), false},
        {"flag_curate", member(16, 0, 0, 0, 195, 0), false},
        {"flag_curate", member(16, 0, 0, 0, 196, 0), true},
        // No criteria: only ever granted by hand.
        {"mod", member(1000, 0, 1000, 0, 1000, 0), false},
    };
    for (const auto& c : cases)
        EXPECT_EQ(qualifies(defaults, ability(c.ability), c.outcomes), c.qualifies)
            << c.ability << " with " << c.outcomes.get(Criterion::Post).good << "/"
            << c.outcomes.get(Criterion::Post).bad << " posts, "
            << c.outcomes.get(Criterion::Edit).good << " edits, "
            << c.outcomes.get(Criterion::Flag).good << " flags";
}

TEST(AbilityGrantRules, TenantThresholdsReplaceTheDefaults) {
    Config c;
    // This tenant lets well-received posts earn edit_posts instead of approved edits.
    c.thresholds["edit_posts"] = Thresholds{0.75, std::nullopt, std::nullopt};
    EXPECT_TRUE(qualifies(c, ability("edit_posts"), member(4, 0, 0, 0, 0, 0)));
    EXPECT_FALSE(qualifies(c, ability("edit_posts"), member(3, 0, 36, 0, 0, 0)));
    // All criteria unused: manual only.
    c.thresholds["unrestricted"] = Thresholds{};
    EXPECT_FALSE(qualifies(c, ability("unrestricted"), member(100, 0, 0, 0, 0, 0)));
    // min_count holds a criterion back until enough outcomes exist.
    Config strict;
    strict.min_count[static_cast<size_t>(Criterion::Post)] = 10;
    EXPECT_FALSE(qualifies(strict, ability("unrestricted"), member(9, 0, 0, 0, 0, 0)));
    EXPECT_TRUE(qualifies(strict, ability("unrestricted"), member(10, 0, 0, 0, 0, 0)));
}

TEST(AbilityGrantRules, DecideGrantsAndRevokesOnlyWhatItShould) {
    Config keep;
    Config revoke;
    revoke.auto_revoke = true;
    const auto& u = ability("unrestricted");
    auto good = member(4, 0, 0, 0, 0, 0);
    auto poor = member(4, 5, 0, 0, 0, 0);
    EXPECT_EQ(decide(keep, u, good, std::nullopt), GrantChange::Grant);
    EXPECT_EQ(decide(keep, u, good, GrantSource::Auto), GrantChange::None);
    EXPECT_EQ(decide(keep, u, poor, std::nullopt), GrantChange::None);
    // Falling below keeps an earned grant unless auto_revoke is on…
    EXPECT_EQ(decide(keep, u, poor, GrantSource::Auto), GrantChange::None);
    EXPECT_EQ(decide(revoke, u, poor, GrantSource::Auto), GrantChange::Revoke);
    // …and a moderator's grant is never taken back automatically.
    EXPECT_EQ(decide(revoke, u, poor, GrantSource::Manual), GrantChange::None);
    // `everyone` is never stored.
    EXPECT_EQ(decide(keep, ability("everyone"), good, std::nullopt), GrantChange::None);
}

TEST(AbilityGrantRules, ProgressNamesWhatIsStillNeeded) {
    Config c;
    auto p = progress(c, ability("flag_close"), member(10, 0, 0, 0, 36, 0));
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].criterion, Criterion::Post);
    EXPECT_FALSE(p[0].passes);
    EXPECT_EQ(p[0].needed, 6);
    EXPECT_DOUBLE_EQ(p[0].score, 12.0 / 14.0);
    EXPECT_EQ(p[1].criterion, Criterion::Flag);
    EXPECT_TRUE(p[1].passes);
    EXPECT_EQ(p[1].needed, 0);
    EXPECT_TRUE(progress(c, ability("mod"), member(0, 0, 0, 0, 0, 0)).empty());
    EXPECT_TRUE(progress(c, ability("everyone"), member(0, 0, 0, 0, 0, 0)).empty());
}

TEST(AbilityGrantRules, CatalogCoversCoreAbilities) {
    for (const char* id : {"everyone", "unrestricted", "edit_posts", "edit_tags", "flag_close",
                           "flag_curate", "mod"})
        EXPECT_NE(findAbility(id), nullptr) << id;
    EXPECT_EQ(findAbility("delete_everything"), nullptr);
    EXPECT_EQ(ability("unrestricted").defaults, (Thresholds{0.75, std::nullopt, std::nullopt}));
    EXPECT_EQ(ability("flag_curate").defaults, (Thresholds{0.9, std::nullopt, 0.99}));
    EXPECT_TRUE(ability("mod").defaults.manualOnly());
}

}  // namespace

}  // namespace agora::abilities
