// The copy-and-catch-up engine: a table rewritten online while a writer inserts, updates and
// deletes ends up exactly equal to what the writer committed — nothing lost, doubled or stale —
// and a run killed with SIGKILL leaves the table untouched and is finished by a rerun.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <thread>

#include "MigrateTest.h"
#include "migrate/OnlineApplier.h"
#include "util/Subprocess.h"

namespace agora::test {

namespace {

using Clock = std::chrono::steady_clock;

class ShadowRewriteTest : public MigrateTest {
protected:
    // items: the table to rewrite, with what a real one has around it: a unique index with its
    // own name, a trigger, a foreign key pointing at it and a sequence.
    std::string makeItems(const std::string& slug, int rows) {
        auto schema = addTenant(slug);
        db().exec("SET search_path TO " + schema +
                  ";"
                  "CREATE TABLE items (id bigserial PRIMARY KEY, n integer NOT NULL, "
                  "  code text NOT NULL, body text, touched_at timestamptz);"
                  "CREATE UNIQUE INDEX items_code ON items (code);"
                  "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS "
                  "  $$ BEGIN NEW.touched_at := now(); RETURN NEW; END $$;"
                  "CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW "
                  "  EXECUTE FUNCTION touch();"
                  "CREATE TABLE item_notes (id serial PRIMARY KEY, "
                  "  item_id bigint NOT NULL REFERENCES items (id) ON DELETE CASCADE, "
                  "  note text);"
                  "INSERT INTO items (n, code, body) SELECT g, 'c' || g, repeat('b', 60) "
                  "  FROM generate_series(1, " +
                  std::to_string(rows) +
                  ") g;"
                  "INSERT INTO item_notes (item_id, note) SELECT id, 'note' FROM items "
                  "  WHERE id % 10 = 0;"
                  "RESET search_path");
        db().forgetSchema();
        return schema;
    }

    migrate::ApplyResult apply(const std::string& slug, int batch_rows) {
        auto t = migrate::MigrationPlan::tenant(db(), slug);
        migrate::ApplyOptions options;
        options.database_url = url();
        options.shadow.batch_rows = batch_rows;
        options.shadow.range_rows = 5000;
        return migrate::OnlineApplier(db(), options).apply(t->schema, plan().pending(db(), *t));
    }

    int64_t leftovers(const std::string& schema) {
        return scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema +
                      "__shadow'") +
               scalar("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'agora_%'");
    }
};

const char* kRewrite =
    "-- agora:shadow items\n"
    "ALTER TABLE items ALTER COLUMN n TYPE bigint;\n"
    "ALTER TABLE items ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n";

struct Row {
    int64_t n = 0;
    std::string code, body;
    bool operator==(const Row&) const = default;
};

}  // namespace

TEST_F(ShadowRewriteTest, ExactUnderAConcurrentWriter) {
    auto schema = makeItems("shadowed", 60000);
    writeStep("090_items_rewrite.sql", kRewrite);

    // The writer's own record of what it committed is the truth to compare against.
    std::map<int64_t, Row> model;
    {
        auto r = db().exec("SELECT id, n, code, body FROM " + schema + ".items");
        for (int i = 0; i < r.rows(); ++i)
            model[r.i64(i, 0)] = {r.i64(i, 1), r.str(i, 2), r.str(i, 3)};
    }
    std::atomic<bool> stop{false};
    std::atomic<int64_t> ops{0}, errors{0};
    std::string first_error;
    std::thread writer([&] {
        db::PgConnection w(url());
        w.useSchema(schema);
        std::mt19937_64 rng(42);
        std::vector<int64_t> live;
        for (const auto& [id, row] : model)
            live.push_back(id);
        int64_t version = 0;
        while (!stop) {
            ++version;
            int op = static_cast<int>(rng() % 10);
            try {
                if (op < 4 || live.empty()) {
                    std::string code = "new" + std::to_string(version);
                    auto r =
                        w.q("INSERT INTO items (n, code, body) VALUES ($1, $2, 'fresh') "
                            "RETURNING id",
                            version, code);
                    int64_t id = r.i64(0, 0);
                    model[id] = {version, code, "fresh"};
                    live.push_back(id);
                } else if (op < 8) {
                    size_t at = rng() % live.size();
                    int64_t id = live[at];
                    std::string code = "u" + std::to_string(version);
                    std::string body = "v" + std::to_string(version);
                    auto r = w.q("UPDATE items SET n = n + 1, code = $2, body = $3 WHERE id = $1",
                                 id, code, body);
                    if (r.affected() == 1) {
                        model[id].n += 1;
                        model[id].code = code;
                        model[id].body = body;
                    }
                } else {
                    size_t at = rng() % live.size();
                    int64_t id = live[at];
                    w.q("DELETE FROM items WHERE id = $1", id);
                    model.erase(id);
                    live[at] = live.back();
                    live.pop_back();
                }
                ++ops;
                // Busy but finite: a writer with no pause at all on this 2-core machine can keep
                // the replay from ever catching up (the engine then gives up after
                // max_catchup_ms, as it should), which tests the machine, not exactness.
                std::this_thread::sleep_for(std::chrono::microseconds(500));
            } catch (const std::exception& e) {
                if (errors++ == 0)
                    first_error = e.what();
            }
        }
    });

    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto start = Clock::now();
    auto r = apply("shadowed", 2000);
    int64_t took =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    // Keep writing a little on the swapped-in table, then stop.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
    writer.join();
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(errors.load(), 0) << first_error;

    auto rows = db().exec("SELECT id, n, code, body FROM " + schema + ".items");
    std::map<int64_t, Row> actual;
    for (int i = 0; i < rows.rows(); ++i)
        actual[rows.i64(i, 0)] = {rows.i64(i, 1), rows.str(i, 2), rows.str(i, 3)};
    int64_t missing = 0, extra = 0, stale = 0;
    for (const auto& [id, row] : model) {
        auto it = actual.find(id);
        if (it == actual.end())
            ++missing;
        else if (!(it->second == row))
            ++stale;
    }
    for (const auto& [id, row] : actual)
        if (!model.count(id))
            ++extra;
    EXPECT_EQ(missing, 0);
    EXPECT_EQ(extra, 0);
    EXPECT_EQ(stale, 0);
    EXPECT_EQ(actual.size(), model.size());

    // The step took effect, and everything around the table survived the swap.
    EXPECT_EQ(text("SELECT data_type FROM information_schema.columns WHERE table_schema = '" +
                   schema + "' AND table_name = 'items' AND column_name = 'n'"),
              "bigint");
    EXPECT_EQ(scalar("SELECT count(*) FROM " + schema + ".items WHERE token IS NULL"), 0);
    EXPECT_EQ(scalar("SELECT count(DISTINCT token) FROM " + schema + ".items"),
              static_cast<int64_t>(actual.size()));
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = '" + schema +
                     "' AND indexname IN ('items_pkey', 'items_code')"),
              2);
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                     "WHERE c.relname = 'items' AND t.tgname = 'items_touch'"),
              1);
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = '" + schema +
                     ".item_notes'::regclass AND contype = 'f' AND convalidated AND confrelid "
                     "= '" +
                     schema + ".items'::regclass"),
              1);
    EXPECT_EQ(scalar("SELECT count(*) FROM " + schema + ".item_notes n LEFT JOIN " + schema +
                     ".items i ON i.id = n.item_id WHERE i.id IS NULL"),
              0);
    int64_t max_id = scalar("SELECT max(id) FROM " + schema + ".items");
    EXPECT_GT(scalar("INSERT INTO " + schema + ".items (n, code) VALUES (1, 'after') RETURNING id"),
              max_id);
    EXPECT_EQ(leftovers(schema), 0);
    EXPECT_TRUE(pending("shadowed").empty());

    const auto& s = r.steps.at(0).shadow;
    std::cout << "[ figures  ] shadow rewrite of 60000 rows under " << ops.load()
              << " concurrent writes (" << ops.load() * 1000 / std::max<int64_t>(took, 1)
              << "/s): " << took << " ms total, copied " << s["rows_copied"] << ", replayed "
              << s["keys_replayed"] << " keys in " << s["replay_rounds"] << " rounds, "
              << s["ranges"] << " checksum ranges (" << s["ranges_rechecked"] << " rechecked), "
              << s["keys_rechecked"] << " keys rechecked under lock, lock held " << s["lock_ms"]
              << " ms; missing " << missing << ", extra " << extra << ", stale " << stale << "\n";
}

TEST_F(ShadowRewriteTest, KilledMidCopyLeavesTheTableIntactAndARerunFinishes) {
    auto schema = makeItems("crashy", 200000);
    auto before = tableDigest(schema);
    writeStep("090_items_rewrite.sql", kRewrite);

    Subprocess run(
        {AGORA_BINARY, "migrate", "apply", "crashy", "--unrehearsed", "--batch-rows", "500"}, {});
    // Wait until the copy is under way, then pull the plug.
    bool copying = false;
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!copying && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (db().exec("SELECT to_regclass('" + schema + "__shadow.items') IS NULL").boolean(0, 0))
            continue;
        copying =
            db().exec("SELECT EXISTS (SELECT 1 FROM " + schema + "__shadow.items OFFSET 20000)")
                .boolean(0, 0);
    }
    ASSERT_TRUE(copying) << "the copy never started";
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait(), 128 + SIGKILL);

    // Killed: nothing recorded, the table exactly as before (the trigger is the only trace).
    EXPECT_EQ(pending("crashy"), std::vector<std::string>{"090_items_rewrite.sql"});
    EXPECT_EQ(tableDigest(schema)["items"], before["items"]);
    EXPECT_GT(leftovers(schema), 0);
    // Writes still work meanwhile (and are captured for nobody: the rerun starts over).
    db().exec("UPDATE " + schema + ".items SET n = n + 1000000 WHERE id <= 10");

    auto again = cli({"migrate", "apply", "crashy", "--unrehearsed", "--json"});
    ASSERT_EQ(again.rc, 0) << again;
    auto step = again.json()["tenants"][0]["steps"][0];
    EXPECT_TRUE(step["shadow"]["cleaned_leftovers"].get<bool>()) << step.dump(2);
    EXPECT_EQ(leftovers(schema), 0);
    EXPECT_TRUE(pending("crashy").empty());
    EXPECT_EQ(scalar("SELECT count(*) FROM " + schema + ".items"), 200000);
    EXPECT_EQ(scalar("SELECT sum(n) FROM " + schema + ".items"),
              200000LL * 200001 / 2 + 10 * 1000000);
    EXPECT_EQ(text("SELECT data_type FROM information_schema.columns WHERE table_schema = '" +
                   schema + "' AND table_name = 'items' AND column_name = 'n'"),
              "bigint");
}

TEST_F(ShadowRewriteTest, RefusesWhatItCannotCopyExactly) {
    auto schema = addTenant("plain");
    db().exec("CREATE TABLE " + schema + ".nokey (a int, b text); INSERT INTO " + schema +
              ".nokey VALUES (1, 'x')");
    db().exec("CREATE TABLE " + schema + ".viewed (id int PRIMARY KEY, b text); CREATE VIEW " +
              schema + ".v AS SELECT * FROM " + schema + ".viewed");
    writeStep("090_nokey.sql",
              "-- agora:shadow nokey\nALTER TABLE nokey ALTER COLUMN a TYPE "
              "bigint;\n");
    auto r = apply("plain", 1000);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("no primary key"), std::string::npos) << r.error;
    EXPECT_EQ(leftovers(schema), 0);

    writeStep("090_nokey.sql",
              "-- agora:shadow viewed\nALTER TABLE viewed ALTER COLUMN id TYPE "
              "bigint;\n");
    auto v = apply("plain", 1000);
    EXPECT_FALSE(v.ok);
    EXPECT_NE(v.error.find("dependent views"), std::string::npos) << v.error;
    EXPECT_EQ(leftovers(schema), 0);
    EXPECT_EQ(pending("plain"), std::vector<std::string>{"090_nokey.sql"});
}

}  // namespace agora::test
