// `agora backup` / `agora restore`: a restored tenant has the same rows, byte for byte, and the
// same control-plane rows as the one backed up.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "MigrateTest.h"

namespace agora::test {

namespace {

namespace fs = std::filesystem;

class BackupRestoreTest : public MigrateTest {
protected:
    void SetUp() override {
        MigrateTest::SetUp();
        if (HasFatalFailure())
            return;
        dir_ = root() / "backups";
    }

    // A tenant with rows in several tables, a setting, a plugin and a member.
    std::string seeded(const std::string& slug) {
        auto schema = addTenant(slug, slug + ".test");
        member_ = addMember(slug, slug + "_mod", "moderator");
        db().exec("INSERT INTO " + schema +
                  ".members (id, username, display_name) SELECT g, 'u' || g, 'User ' || g "
                  "FROM generate_series(100, 5099) g");
        db().exec("INSERT INTO " + schema +
                  ".posts (post_type, author_id, title, body_md, body_html, tags) "
                  "SELECT 'question', 100 + g % 5000, 'Q' || g, 'body ' || g, '<p>body</p>', "
                  "ARRAY['t' || (g % 7)] FROM generate_series(1, 3000) g");
        db().exec(
            "INSERT INTO network.settings (tenant_id, key, value) SELECT id, "
            "'site.tagline', '\"Backed up\"' FROM network.tenants WHERE slug = '" +
            slug + "'");
        db().exec(
            "INSERT INTO network.tenant_plugins (tenant_id, plugin) SELECT id, 'flags' "
            "FROM network.tenants WHERE slug = '" +
            slug + "'");
        return schema;
    }

    fs::path dir_;
    int64_t member_ = 0;
};

}  // namespace

TEST_F(BackupRestoreTest, RestoreUnderANewSlugMatchesRowsAndChecksums) {
    auto schema = seeded("archive");
    auto b = cli({"backup", "archive", "--to", dir_.string(), "--json"});
    ASSERT_EQ(b.rc, 0) << b;
    ASSERT_TRUE(fs::exists(dir_ / "archive" / "schema.dump"));
    std::ifstream in(dir_ / "archive" / "manifest.json");
    auto manifest = nlohmann::json::parse(in);
    EXPECT_EQ(manifest["tenant"]["slug"], "archive");
    EXPECT_EQ(manifest["schema"], schema);
    EXPECT_EQ(manifest["hosts"][0]["host"], "archive.test");
    EXPECT_EQ(manifest["settings"][0]["key"], "site.tagline");
    EXPECT_EQ(manifest["plugins"][0]["plugin"], "flags");
    EXPECT_EQ(manifest["ledger"].size(), plan().tenantSteps().size());
    EXPECT_EQ(manifest["tables"]["members"]["rows"], 5001);
    EXPECT_EQ(manifest["tables"]["posts"]["rows"], 3000);
    EXPECT_EQ(manifest["tables"]["posts"]["md5"].get<std::string>().size(), 32u);

    // Changes after the backup are not in it.
    db().exec("DELETE FROM " + schema + ".posts WHERE id % 2 = 0");

    auto r = cli({"restore", "archive", "--from", dir_.string(), "--as", "archive-copy", "--host",
                  "copy.archive.test", "--json"});
    ASSERT_EQ(r.rc, 0) << r;
    EXPECT_TRUE(r.json()["created"].get<bool>());
    EXPECT_EQ(scalar("SELECT count(*) FROM t_archive_copy.posts"), 3000);
    EXPECT_EQ(scalar("SELECT count(*) FROM t_archive_copy.members"), 5001);
    // Independent check: every table's rows hash the same as in the manifest's source state.
    auto digest = tableDigest("t_archive_copy");
    for (const auto& [table, sum] : manifest["tables"].items())
        EXPECT_EQ(digest.at(table).first, sum["rows"].get<int64_t>()) << table;
    EXPECT_EQ(text("SELECT string_agg(host, ',') FROM network.hosts h JOIN network.tenants t ON "
                   "t.id = h.tenant_id WHERE t.slug = 'archive-copy'"),
              "copy.archive.test");
    EXPECT_EQ(text("SELECT value::text FROM network.settings s JOIN network.tenants t ON t.id = "
                   "s.tenant_id WHERE t.slug = 'archive-copy'"),
              "\"Backed up\"");
    EXPECT_EQ(scalar("SELECT count(*) FROM network.tenant_plugins p JOIN network.tenants t ON "
                     "t.id = p.tenant_id WHERE t.slug = 'archive-copy' AND plugin = 'flags'"),
              1);
    EXPECT_EQ(scalar("SELECT count(*) FROM network.memberships m JOIN network.tenants t ON t.id "
                     "= m.tenant_id WHERE t.slug = 'archive-copy' AND account_id = " +
                     std::to_string(member_)),
              1);
    EXPECT_EQ(text("SELECT string_agg(step || checksum, ',' ORDER BY step) FROM "
                   "network.schema_migrations WHERE target = 't_archive_copy'"),
              text("SELECT string_agg(step || checksum, ',' ORDER BY step) FROM "
                   "network.schema_migrations WHERE target = '" +
                   schema + "'"));
    // The restored copy is a working tenant: its sequences continue after the copied ids.
    db().exec(
        "INSERT INTO t_archive_copy.posts (post_type, author_id, title, body_md, body_html) "
        "VALUES ('question', 100, 'New', 'new', '<p>new</p>')");
}

TEST_F(BackupRestoreTest, RestoreIntoTheSameSlugAfterDataLoss) {
    auto schema = seeded("phoenix");
    auto before = tableDigest(schema);
    ASSERT_EQ(cli({"backup", "--all", "--to", dir_.string()}).rc, 0);
    // Lose everything, keep an empty tenant (what "emptied" means: no members left).
    db().exec("TRUNCATE " + schema + ".posts, " + schema + ".members CASCADE");
    db().exec(
        "DELETE FROM network.memberships WHERE tenant_id = (SELECT id FROM "
        "network.tenants WHERE slug = 'phoenix')");
    auto r = cli({"restore", "phoenix", "--from", dir_.string()});
    ASSERT_EQ(r.rc, 0) << r;
    EXPECT_EQ(tableDigest(schema), before);
    EXPECT_EQ(text("SELECT string_agg(host, ',') FROM network.hosts h JOIN network.tenants t ON "
                   "t.id = h.tenant_id WHERE t.slug = 'phoenix'"),
              "phoenix.test");
}

TEST_F(BackupRestoreTest, RefusesToOverwriteDataOrRestoreATamperedDump) {
    seeded("keep");
    ASSERT_EQ(cli({"backup", "keep", "--to", dir_.string()}).rc, 0);
    // Same slug still holds data.
    auto r = cli({"restore", "keep", "--from", dir_.string()});
    EXPECT_EQ(r.rc, 1) << r;
    EXPECT_NE(r.err.find("has members"), std::string::npos) << r;
    // New slug, but the original's host is taken.
    auto h = cli({"restore", "keep", "--from", dir_.string(), "--as", "keep-two"});
    EXPECT_EQ(h.rc, 1) << h;
    EXPECT_NE(h.err.find("pass --host"), std::string::npos) << h;
    // A second backup into the same folder would mix two snapshots.
    EXPECT_EQ(cli({"backup", "keep", "--to", dir_.string()}).rc, 1);

    {
        std::fstream f(dir_ / "keep" / "schema.dump",
                       std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(200);
        f.put('\x7f');
    }
    auto t = cli(
        {"restore", "keep", "--from", dir_.string(), "--as", "keep-three", "--host", "three.test"});
    EXPECT_EQ(t.rc, 1) << t;
    EXPECT_NE(t.err.find("does not match its manifest checksum"), std::string::npos) << t;
    EXPECT_EQ(scalar("SELECT count(*) FROM network.tenants WHERE slug LIKE 'keep-%'"), 0);
    EXPECT_EQ(scalar("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 't_keep_%'"), 0);
}

}  // namespace agora::test
