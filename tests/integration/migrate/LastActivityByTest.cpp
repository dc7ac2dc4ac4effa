// migrations/tenant/004–007 (posts.last_activity_by) applied online to a seeded tenant while a
// writer keeps answering questions: afterwards every row holds the member who did the latest
// thing, the foreign key is validated and the index is valid.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "MigrateTest.h"
#include "seed/Seeder.h"

namespace agora::test {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kSteps = {
    "004_posts_last_activity_by.sql", "005_posts_last_activity_by_backfill.sql",
    "006_posts_last_activity_by_index.sql", "007_posts_last_activity_by_validate.sql"};

std::string sourceStep(const std::string& name) {
    std::ifstream in(fs::path(AGORA_SOURCE_DIR) / "migrations" / "tenant" / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class LastActivityByTest : public MigrateTest {
protected:
    // A tenant as it was before 004: seeded, without the column.
    std::string seededWithoutSteps(const std::string& slug, int64_t posts) {
        for (const auto& s : kSteps)
            fs::remove(root() / "migrations" / "tenant" / s);
        resetApp();
        auto schema = addTenant(slug, slug + ".test");
        SeedOptions o;
        o.posts = posts;
        Seeder(app()).run(slug, o, [](const std::string&) {});
        for (const auto& s : kSteps)
            writeStep(s, sourceStep(s));
        resetApp();
        return schema;
    }

    // Rows whose last_activity_by differs from the rule (computed here, independently): a
    // question's latest answer's author, else its own author; an answer's own author.
    int64_t wrongRows(const std::string& schema) {
        return scalar(
            "SELECT count(*) FROM " + schema +
            ".posts p WHERE p.last_activity_by IS DISTINCT FROM coalesce((SELECT a.author_id "
            "FROM " +
            schema +
            ".posts a WHERE a.parent_id = p.id ORDER BY a.created_at DESC, a.id DESC LIMIT 1), "
            "p.author_id)");
    }
};

}  // namespace

TEST_F(LastActivityByTest, AppliesOnlineUnderAConcurrentWriter) {
    auto schema = seededWithoutSteps("busy", 30000);
    ASSERT_EQ(scalar("SELECT count(*) FROM information_schema.columns WHERE table_schema = '" +
                     schema + "' AND table_name = 'posts' AND column_name = 'last_activity_by'"),
              0);
    auto questions = scalar("SELECT max(id) FROM " + schema + ".posts WHERE parent_id IS NULL");
    auto members_max = scalar("SELECT max(id) FROM " + schema + ".members");
    ASSERT_GT(questions, 100);

    // The writer answers random questions the way the application does. Until 004 commits it
    // is the old code (no last_activity_by); afterwards the new code (sets it in the same
    // UPDATE as last_activity_at). It locks the question row first, so 004 cannot commit
    // between its check for the column and its writes.
    std::atomic<bool> stop{false};
    std::atomic<int64_t> old_writes{0}, new_writes{0}, errors{0};
    std::string writer_error;
    std::thread writer([&] {
        db::PgConnection c(url());
        c.exec("SET search_path TO " + schema + ", public");
        std::mt19937_64 rng(42);
        while (!stop) {
            int64_t author = 0;
            try {
                db::Transaction tx(c);
                auto q = c.execParams(
                    "SELECT id FROM posts WHERE id >= $1 AND parent_id IS NULL ORDER BY id "
                    "LIMIT 1 FOR UPDATE",
                    {std::to_string(1 + rng() % questions)});
                if (q.empty())
                    continue;
                auto qid = q.str(0, 0);
                author = static_cast<int64_t>(1 + rng() % members_max);
                auto a = c.execParams("SELECT id FROM members WHERE id >= $1 ORDER BY id LIMIT 1",
                                      {std::to_string(author)});
                if (a.empty())
                    continue;
                auto aid = a.str(0, 0);
                bool has = !c.execParams(
                                 "SELECT 1 FROM information_schema.columns WHERE "
                                 "table_schema = $1 AND table_name = 'posts' AND "
                                 "column_name = 'last_activity_by'",
                                 {schema})
                                .empty();
                if (has) {
                    c.execParams(
                        "INSERT INTO posts (post_type, parent_id, author_id, last_activity_by, "
                        "body_md, body_html) VALUES ('answer', $1, $2, $2, 'concurrent', "
                        "'<p>concurrent</p>')",
                        {qid, aid});
                    c.execParams(
                        "UPDATE posts SET answer_count = answer_count + 1, last_activity_at = "
                        "now(), last_activity_by = $2 WHERE id = $1",
                        {qid, aid});
                } else {
                    c.execParams(
                        "INSERT INTO posts (post_type, parent_id, author_id, body_md, body_html) "
                        "VALUES ('answer', $1, $2, 'concurrent', '<p>concurrent</p>')",
                        {qid, aid});
                    c.execParams(
                        "UPDATE posts SET answer_count = answer_count + 1, last_activity_at = "
                        "now() WHERE id = $1",
                        {qid});
                }
                tx.commit();
                ++(has ? new_writes : old_writes);
            } catch (const std::exception& e) {
                ++errors;
                writer_error = e.what();
            }
        }
    });

    while (old_writes < 20)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto run = cli({"migrate", "apply", "busy", "--unrehearsed", "--json"});
    // A little more traffic on the finished schema.
    auto after = new_writes.load();
    while (new_writes < after + 20)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
    writer.join();
    ASSERT_EQ(run.rc, 0) << run;
    EXPECT_EQ(errors, 0) << writer_error;
    EXPECT_GT(old_writes, 0);
    EXPECT_GT(new_writes, 0);
    EXPECT_TRUE(pending("busy").empty());

    EXPECT_EQ(scalar("SELECT count(*) FROM " + schema + ".posts WHERE last_activity_by IS NULL"),
              0);
    EXPECT_EQ(wrongRows(schema), 0);
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_constraint WHERE conname = "
                     "'posts_last_activity_by_fkey' AND convalidated AND connamespace = '" +
                     schema + "'::regnamespace"),
              1);
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                     "WHERE c.relname = 'posts_last_activity_by' AND c.relnamespace = '" +
                     schema + "'::regnamespace AND i.indisvalid"),
              1);
}

TEST_F(LastActivityByTest, BackfillResumesAndLeavesRowsTheApplicationSet) {
    auto schema = seededWithoutSteps("resume", 3000);
    auto run = cli({"migrate", "apply", "resume", "--unrehearsed"});
    ASSERT_EQ(run.rc, 0) << run;
    ASSERT_EQ(wrongRows(schema), 0);

    // As if the backfill had died halfway: some rows unfilled, its ledger row missing. One row
    // the application wrote meanwhile (a comment by another member) must keep its value.
    auto other = scalar("SELECT max(id) FROM " + schema + ".members");
    auto touched = scalar("SELECT min(id) FROM " + schema + ".posts WHERE author_id <> " +
                          std::to_string(other) + " AND parent_id IS NULL");
    db().exec("UPDATE " + schema + ".posts SET last_activity_by = NULL WHERE id % 3 = 0");
    db().exec("UPDATE " + schema + ".posts SET last_activity_by = " + std::to_string(other) +
              " WHERE id = " + std::to_string(touched));
    db().exec("DELETE FROM network.schema_migrations WHERE target = '" + schema +
              "' AND step = '005_posts_last_activity_by_backfill.sql'");
    auto again = cli({"migrate", "apply", "resume", "--unrehearsed"});
    ASSERT_EQ(again.rc, 0) << again;
    EXPECT_EQ(scalar("SELECT count(*) FROM " + schema + ".posts WHERE last_activity_by IS NULL"),
              0);
    EXPECT_EQ(wrongRows(schema), 1);
    EXPECT_EQ(scalar("SELECT last_activity_by FROM " + schema +
                     ".posts WHERE id = " + std::to_string(touched)),
              other);
}

TEST_F(LastActivityByTest, NewTenantsGetEveryStep) {
    // The plain Migrator runs no-transaction steps one statement at a time (CONCURRENTLY and
    // the backfill's COMMITs need that).
    auto schema = addTenant("fresh", "fresh.test");
    EXPECT_TRUE(pending("fresh").empty());
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_class WHERE relname = 'posts_last_activity_by' "
                     "AND relnamespace = '" +
                     schema + "'::regnamespace"),
              1);
}

}  // namespace agora::test
