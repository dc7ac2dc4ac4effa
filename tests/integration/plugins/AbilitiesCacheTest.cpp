// Threshold changes (previewed, then applied to everyone), and the grant cache: it can never
// serve a grant after a suspension has committed — not to concurrent readers, not after Redis
// comes back holding an entry from before — and with Redis stopped the answers are the same.
#include <gmock/gmock.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "plugins/AbilitiesTestSupport.h"
#include "support/ShellCommand.h"

namespace agora::test {

namespace {

using ::testing::Contains;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

class AbilitiesCacheTest : public AbilitiesTest {
protected:
    void TearDown() override {
        // Whatever happened, leave Redis running for the tests after this one.
        if (!redis_port_.empty() && !redisAnswers())
            runCommand(checkoutRoot() + "/ops/redis-restart >/dev/null 2>&1");
    }
    bool redisAnswers() {
        return runCommand("redis-cli -h 127.0.0.1 -p " + redis_port_ + " ping 2>/dev/null")
                   .second == "PONG\n";
    }
    void needRedisControl() {
        redis_port_ = requireEnv("AGORA_TEST_REDIS_PORT");
        requireEnv("AGORA_TEST_REDIS_DIR");
        ASSERT_TRUE(redisAnswers()) << "Redis on port " << redis_port_ << " is not running";
    }
    void stopRedis() {
        runCommand("redis-cli -h 127.0.0.1 -p " + redis_port_ + " shutdown nosave >/dev/null 2>&1");
        ASSERT_TRUE(TestServer::waitFor([&] { return !redisAnswers(); }, 5000, 50));
    }
    void startRedis() {
        ASSERT_EQ(runCommand(checkoutRoot() + "/ops/redis-restart start >/dev/null 2>&1").first, 0);
        // The client's circuit breaker lets a probe through within a second or so.
        ASSERT_TRUE(
            TestServer::waitFor([&] { return server().app().redis().available(); }, 5000, 50));
    }
    std::string redisGet(const std::string& key) {
        return runCommand("redis-cli -h 127.0.0.1 -p " + redis_port_ + " get '" + key + "'").second;
    }

    std::string redis_port_;
};

TEST_F(AbilitiesCacheTest, PreviewMatchesWhatTheChangeThenDoes) {
    auto& s = server();
    auto t = abilitiesTenant("abprev");
    auto admin = s.apiClient(t, s.createUser(t, "admin"));
    // Approved / rejected edits per member.
    const std::pair<int, int> history[] = {{10, 0}, {6, 0}, {5, 0}, {2, 1}, {0, 0}, {20, 1}};
    std::vector<int64_t> ids;
    for (auto [approved, rejected] : history) {
        auto u = s.createUser(t);
        ids.push_back(u.id);
        if (approved)
            publish(t, "edit.approved", {{"member_id", u.id}}, approved);
        if (rejected)
            publish(t, "edit.rejected", {{"member_id", u.id}}, rejected);
    }
    ASSERT_EQ(grants(t, "edit_posts"), 0) << "nobody has 36 approved edits";

    // 0.8: (g+2)/(g+b+4) >= 0.8 → 10/0 (0.857), 6/0 (0.8) and 20/1 (0.88) qualify.
    json lower = {{"edit_score", 0.8}};
    auto preview = admin.post("/api/v1/admin/abilities/edit_posts/preview", lower);
    ASSERT_EQ(preview.status, 200) << preview;
    auto p = preview.json();
    EXPECT_EQ(p["gain"], 3) << p;
    EXPECT_EQ(p["lose"], 0);
    EXPECT_EQ(p["current"]["edit_score"], 0.95);
    EXPECT_EQ(p["thresholds"]["edit_score"], 0.8);
    EXPECT_EQ(p["sample"].size(), 3u);
    EXPECT_EQ(grants(t, "edit_posts"), 0) << "a preview changes nothing";
    EXPECT_EQ(s.client(t).get("/api/v1/abilities").json()["items"][2]["thresholds"]["edit_score"],
              0.95);

    auto change = admin.put("/api/v1/admin/abilities/edit_posts", lower);
    ASSERT_EQ(change.status, 200) << change;
    auto c = change.json();
    EXPECT_EQ(c["gained"], p["gain"]) << c;
    EXPECT_EQ(c["lost"], p["lose"]);
    EXPECT_EQ(c["evaluated"], p["evaluated"]);
    EXPECT_EQ(grants(t, "edit_posts"), 3);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                       ".notifications WHERE kind = 'ability.granted'"),
              3);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'abilities.thresholds'",
                       t.id),
              1);
    // Written in batches, but one audit row per member, naming the member and the admin.
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'abilities.grant' AND target LIKE 'member:%/edit_posts' AND "
                       "new_value = '{\"source\": \"auto\"}'::jsonb AND account_id IS NOT NULL",
                       t.id),
              3);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                       ".notifications WHERE kind = 'ability.granted' AND link = '/users/' || "
                       "member_id || '/abilities'"),
              3);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'setting.set' AND target = 'abilities.edit_posts.edit_score'",
                       t.id),
              1);
    // Previewing the state we are in changes nobody.
    auto same = admin.post("/api/v1/admin/abilities/edit_posts/preview", lower).json();
    EXPECT_EQ(same["gain"], 0);
    EXPECT_EQ(same["lose"], 0);

    // Raising it with auto_revoke on: 6/0 (0.8) falls below 0.85; 10/0 and 20/1 stay.
    auto settings = admin.put("/api/v1/admin/settings", {{"abilities.auto_revoke", true}});
    ASSERT_EQ(settings.status, 200) << settings;
    json higher = {{"edit_score", 0.85}};
    // Settings reach the server's tenant snapshot by NOTIFY, a moment after the PUT: wait until
    // the preview judges with auto_revoke on before comparing it with the change.
    json p2;
    TestServer::waitFor(
        [&] {
            p2 = admin.post("/api/v1/admin/abilities/edit_posts/preview", higher).json();
            return p2["lose"] == 1;
        },
        5000, 50);
    EXPECT_EQ(p2["gain"], 0) << p2;
    EXPECT_EQ(p2["lose"], 1);
    auto c2 = admin.put("/api/v1/admin/abilities/edit_posts", higher).json();
    EXPECT_EQ(c2["lost"], p2["lose"]) << c2;
    EXPECT_EQ(c2["gained"], p2["gain"]);
    EXPECT_EQ(grants(t, "edit_posts"), 2);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM " + t.schema +
                           ".notifications WHERE kind = 'ability.revoked' AND member_id = $1",
                       ids[1]),
              1)
        << "the member who fell below the threshold is told";
    EXPECT_EQ(s.scalar("SELECT count(*) FROM network.audit_log WHERE tenant_id = $1 AND action "
                       "= 'abilities.revoke' AND target = $2",
                       t.id, "member:" + std::to_string(ids[1]) + "/edit_posts"),
              1);

    // null: criterion unused — with no criterion left the ability is manual only.
    auto manual =
        admin.post("/api/v1/admin/abilities/edit_posts/preview", {{"edit_score", nullptr}}).json();
    EXPECT_EQ(manual["thresholds"]["edit_score"], nullptr);
    EXPECT_EQ(manual["gain"], 0);

    // Refusals.
    auto member = s.apiClient(t, s.createUser(t));
    EXPECT_EQ(member.put("/api/v1/admin/abilities/edit_posts", lower).status, 403);
    EXPECT_EQ(member.post("/api/v1/admin/abilities/edit_posts/preview", lower).status, 403);
    auto out_of_range = admin.put("/api/v1/admin/abilities/edit_posts", {{"edit_score", 1.5}});
    EXPECT_EQ(out_of_range.status, 422) << out_of_range;
    EXPECT_EQ(out_of_range.errorField(), "edit_score");
    EXPECT_EQ(admin.put("/api/v1/admin/abilities/edit_posts", json::object()).status, 422);
    EXPECT_EQ(admin.put("/api/v1/admin/abilities/everyone", {{"post_score", 0.5}}).status, 422);
    EXPECT_EQ(admin.put("/api/v1/admin/abilities/nope", lower).status, 404);
}

TEST_F(AbilitiesCacheTest, ConcurrentReadersNeverSeeAGrantAfterTheSuspensionCommits) {
    auto& s = server();
    auto t = abilitiesTenant("abrace");
    auto u = s.createUser(t);
    auto mod = s.apiClient(t, s.createUser(t, "moderator"));
    std::string base = "/api/v1/users/" + std::to_string(u.id) + "/abilities/edit_posts/";
    ASSERT_EQ(mod.post(base + "grant").status, 200);
    auto reader = s.apiClient(t, u);
    ASSERT_TRUE(holds(reader, "edit_posts"));  // and now cached

    struct Read {
        Clock::time_point start, end;
        bool granted;
    };
    std::mutex mu;
    std::vector<Read> reads;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&, client = reader]() mutable {
            std::vector<Read> mine;
            while (!stop) {
                Read r;
                r.start = Clock::now();
                r.granted = holds(client, "edit_posts");
                r.end = Clock::now();
                mine.push_back(r);
            }
            std::lock_guard lock(mu);
            reads.insert(reads.end(), mine.begin(), mine.end());
        });
    }
    // Each phase: [sent, done] of the request that changed state, and the state after it.
    struct Phase {
        Clock::time_point sent, done;
        bool granted;
    };
    std::vector<Phase> phases;
    for (int cycle = 0; cycle < 8; ++cycle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        Phase sus{Clock::now(), {}, false};
        auto r = mod.post(base + "suspend", {{"days", 1}, {"message", "race"}});
        sus.done = Clock::now();
        ASSERT_EQ(r.status, 200) << r;
        phases.push_back(sus);
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        Phase res{Clock::now(), {}, true};
        auto back = mod.post(base + "restore");
        res.done = Clock::now();
        ASSERT_EQ(back.status, 200) << back;
        phases.push_back(res);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    stop = true;
    for (auto& th : threads)
        th.join();

    // A read that started after a change's response and ended before the next change was
    // sent must show exactly that change's state. Reads overlapping a change may see either.
    int checked = 0, wrong = 0;
    for (const auto& r : reads) {
        for (size_t i = 0; i < phases.size(); ++i) {
            auto next = i + 1 < phases.size() ? phases[i + 1].sent : Clock::time_point::max();
            if (r.start > phases[i].done && r.end < next) {
                ++checked;
                if (r.granted != phases[i].granted)
                    ++wrong;
            }
        }
    }
    std::printf("[ abilities ] %zu reads, %d inside a settled phase, %d wrong\n", reads.size(),
                checked, wrong);
    EXPECT_EQ(wrong, 0) << "a reader saw a state older than a committed change";
    EXPECT_GT(checked, 20) << "too few reads to prove anything";
}

TEST_F(AbilitiesCacheTest, RedisDownGivesTheSameAnswersAndAStaleEntryIsNeverServedAfter) {
    needRedisControl();
    if (HasFatalFailure())
        return;
    auto& s = server();
    auto t = abilitiesTenant("abredis", {{"rate_limit.new_user.questions_per_day", 20}});
    auto owner = s.apiClient(t, s.createUser(t));
    auto u = s.createUser(t);
    auto api = s.apiClient(t, u);
    auto mod = s.apiClient(t, s.createUser(t, "moderator"));
    upvotedPosts(api, mod, 4);  // unrestricted
    std::string base = "/api/v1/users/" + std::to_string(u.id) + "/abilities/";
    ASSERT_EQ(mod.post(base + "edit_posts/grant").status, 200);
    ASSERT_EQ(mod.post(base + "flag_close/suspend", {{"days", 3}, {"message", "cool off"}}).status,
              200);
    int64_t target = ask(owner);
    auto answers = [&] {
        auto me = held(api);
        auto page = api.get("/api/v1/users/" + std::to_string(u.id) + "/abilities");
        json per_ability = json::object();
        if (page.status == 200) {
            auto body = page.json();
            for (const auto& item : body["items"])
                per_ability[item["id"].get<std::string>()] = {item["granted"], item["held"],
                                                              !item["suspended"].is_null()};
        }
        auto edit = api.patch("/api/v1/posts/" + std::to_string(target),
                              {{"body", unique("An edit to compare with and without Redis.")}});
        return json{{"me", me}, {"abilities", per_ability}, {"edit", edit.status}};
    };
    auto with_redis = answers();
    EXPECT_THAT(with_redis["me"].get<std::vector<std::string>>(), Contains("edit_posts"));
    EXPECT_EQ(with_redis["edit"], 200);
    ASSERT_NE(redisGet("ab:{" + t.slug + "}:" + std::to_string(u.id)), "\n")
        << "the grant set should be cached by now";

    stopRedis();
    if (HasFatalFailure())
        return;
    auto without = answers();
    EXPECT_EQ(without, with_redis) << "with Redis stopped the answers must not change";

    // Suspended while Redis is down: the entry Redis still holds (once it is back) says
    // "edit_posts granted", and nobody could delete it.
    auto sus = mod.post(base + "edit_posts/suspend", {{"days", 1}, {"message", "while down"}});
    ASSERT_EQ(sus.status, 200) << sus;
    EXPECT_EQ(answers()["edit"], 403);

    startRedis();
    if (HasFatalFailure())
        return;
    auto after = answers();
    EXPECT_EQ(after["edit"], 403) << "a cache entry from before the suspension was served";
    EXPECT_THAT(after["me"].get<std::vector<std::string>>(), Not(Contains("edit_posts")));
    EXPECT_EQ(after["abilities"]["edit_posts"][2], true);
    // And the restore works the same way round.
    ASSERT_EQ(mod.post(base + "edit_posts/restore").status, 200);
    EXPECT_EQ(answers()["edit"], 200);
}

// Whoever can write to Redis must not be able to grant abilities: the host signs what plugins
// cache, and an entry that carries the right stamp and generation but no valid signature is a
// miss (the grant set is read from PostgreSQL again).
TEST_F(AbilitiesCacheTest, AForgedCachedGrantSetGrantsNothing) {
    needRedisControl();
    if (HasFatalFailure())
        return;
    auto& s = server();
    auto t = abilitiesTenant("abforge");
    auto owner = s.apiClient(t, s.createUser(t));
    auto u = s.createUser(t);
    auto api = s.apiClient(t, u);
    int64_t target = ask(owner);
    auto edit = [&] {
        return api
            .patch("/api/v1/posts/" + std::to_string(target),
                   {{"body", unique("An edit nobody granted this member the right to make.")}})
            .status;
    };
    ASSERT_FALSE(holds(api, "edit_posts"));
    ASSERT_EQ(edit(), 403);

    std::string key = "ab:{" + t.slug + "}:" + std::to_string(u.id);
    std::string stored = redisGet(key);
    ASSERT_GT(stored.size(), 1u) << "the grant set should be cached by now";
    stored.pop_back();  // redis-cli's newline
    ASSERT_EQ(stored.rfind("s1.", 0), 0u) << "cached values are signed: " << stored;
    auto body_at = stored.find('.', 3) + 1;
    json entry = json::parse(stored.substr(body_at));
    ASSERT_TRUE(entry.contains("stamp")) << entry;
    entry["grants"].push_back("edit_posts");

    const std::vector<std::pair<std::string, std::string>> forgeries = {
        {"no signature, right stamp and generation", entry.dump()},
        {"the genuine signature of another value", stored.substr(0, body_at) + entry.dump()},
        {"a made-up signature", "s1." + std::string(64, 'a') + "." + entry.dump()},
    };
    for (const auto& [what, value] : forgeries) {
        auto set = runCommand("printf '%s' '" + value + "' | redis-cli -h 127.0.0.1 -p " +
                              redis_port_ + " -x set '" + key + "'");
        ASSERT_EQ(set.second, "OK\n") << what;
        EXPECT_FALSE(holds(api, "edit_posts")) << what;
        EXPECT_EQ(edit(), 403) << what;
    }
    // A genuine entry is still used: the member holds what PostgreSQL says, and no more.
    EXPECT_EQ(redisGet(key).rfind("s1.", 0), 0u) << "the forged entry was replaced by a signed one";
}

}  // namespace

}  // namespace agora::test
