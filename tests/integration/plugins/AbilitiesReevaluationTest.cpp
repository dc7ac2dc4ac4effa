// A threshold change re-judges members a page (500) at a time, each page its own transaction.
// A failure halfway must not leave members silently judged by a mix of old and new thresholds:
// the admin is told how far it got (the answer, GET /api/v1/admin/abilities, the admin page)
// and can resume it, which finishes exactly the members not yet re-judged.
#include <gmock/gmock.h>

#include "AbilitiesTestSupport.h"

namespace agora::test {

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AbilitiesReevaluationTest : public AbilitiesTest {};

constexpr int64_t kBulk = 900000000;  // ids of the members inserted below

TEST_F(AbilitiesReevaluationTest, AFailureHalfwayIsReportedAndResumable) {
    auto& s = server();
    auto t = abilitiesTenant("reeval");
    auto admin_user = s.createUser(t, "admin");
    auto admin = s.apiClient(t, admin_user);
    {
        auto lease = s.db();
        // 600 members after the admin: two pages. Inserted directly; only their number matters.
        lease->exec("INSERT INTO " + t.schema + ".members (id, username, display_name) SELECT " +
                    std::to_string(kBulk) +
                    " + g, 'bulk' || g, 'Bulk ' || g FROM generate_series(1, 600) g");
        // The second page fails when it grants to member 550, as a full disk or a killed
        // connection would.
        lease->exec("CREATE FUNCTION " + t.schema +
                    ".fail_halfway() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE "
                    "EXCEPTION 'disk full (test)'; END $$");
        lease->exec(
            "CREATE TRIGGER fail_halfway BEFORE INSERT ON " + t.schema +
            ".ability_grants FOR EACH ROW WHEN (NEW.member_id = " + std::to_string(kBulk + 550) +
            ") EXECUTE FUNCTION " + t.schema + ".fail_halfway()");
    }
    auto bulkHolding = [&](int64_t from, int64_t to) {
        return s.scalar("SELECT count(*) FROM " + t.schema +
                            ".ability_grants WHERE ability = 'unrestricted' AND member_id "
                            "BETWEEN $1 AND $2",
                        kBulk + from, kBulk + to);
    };

    // 0.4 is met by everyone's prior of 0.5: every member gains unrestricted.
    auto put = admin.put("/api/v1/admin/abilities/unrestricted", {{"post_score", 0.4}});
    EXPECT_EQ(put.status, 503) << put;
    EXPECT_EQ(put.errorCode(), "reevaluation_incomplete");
    EXPECT_THAT(put.json()["error"]["message"].get<std::string>(), HasSubstr("500 of 601"));
    EXPECT_THAT(put.json()["error"]["message"].get<std::string>(),
                HasSubstr("/api/v1/admin/abilities/unrestricted/resume"));
    // The first page is whole, the second not begun: no page is half-written.
    EXPECT_EQ(bulkHolding(1, 499), 499);
    EXPECT_EQ(bulkHolding(500, 600), 0);

    auto state = admin.get("/api/v1/admin/abilities");
    ASSERT_EQ(state.status, 200) << state;
    ASSERT_EQ(state.json()["reevaluations"].size(), 1u) << state;
    auto job = state.json()["reevaluations"][0];
    EXPECT_EQ(job["ability"], "unrestricted");
    EXPECT_EQ(job["done"], 500);
    EXPECT_EQ(job["total"], 601);
    EXPECT_EQ(job["failed"], true);
    EXPECT_EQ(job["resume"], "/api/v1/admin/abilities/unrestricted/resume");
    EXPECT_EQ(s.client(t).asUser(s.login(t, s.createUser(t))).get("/api/v1/admin/abilities").status,
              403);

    auto browser = s.browserClient(t, admin_user);
    auto page = browser.get("/admin/abilities");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_THAT(page.body, HasSubstr("Re-evaluation incomplete"));
    EXPECT_THAT(page.body, HasSubstr("500 of 601 members done"));
    EXPECT_THAT(page.body, HasSubstr("action=\"/admin/abilities/unrestricted/resume\""));

    // The cause fixed, resuming finishes exactly the rest.
    {
        auto lease = s.db();
        lease->exec("DROP TRIGGER fail_halfway ON " + t.schema + ".ability_grants");
    }
    auto resumed = admin.post("/api/v1/admin/abilities/unrestricted/resume");
    ASSERT_EQ(resumed.status, 200) << resumed;
    EXPECT_EQ(resumed.json()["complete"], true);
    EXPECT_EQ(resumed.json()["evaluated"], 101);
    EXPECT_EQ(resumed.json()["gained"], 101);
    EXPECT_EQ(bulkHolding(1, 600), 600);
    EXPECT_EQ(admin.get("/api/v1/admin/abilities").json()["reevaluations"].size(), 0u);
    EXPECT_THAT(browser.get("/admin/abilities").body, Not(HasSubstr("Re-evaluation incomplete")));
    auto again = admin.post("/api/v1/admin/abilities/unrestricted/resume");
    EXPECT_EQ(again.status, 409) << again;
    EXPECT_EQ(again.errorCode(), "nothing_to_resume");
}

TEST_F(AbilitiesReevaluationTest, AFinishedChangeLeavesNothingToResume) {
    auto& s = server();
    auto t = abilitiesTenant("reeval-ok");
    auto admin = s.apiClient(t, s.createUser(t, "admin"));
    s.createUser(t);
    auto put = admin.put("/api/v1/admin/abilities/unrestricted", {{"post_score", 0.4}});
    ASSERT_EQ(put.status, 200) << put;
    EXPECT_EQ(put.json()["evaluated"], 2);
    auto state = admin.get("/api/v1/admin/abilities");
    ASSERT_EQ(state.status, 200) << state;
    EXPECT_EQ(state.json()["reevaluations"].size(), 0u);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema + ".ability_reevaluations"), 0);
}

}  // namespace

}  // namespace agora::test
