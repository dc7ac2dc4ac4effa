// The migration ledger refuses a step whose file changed after it was applied, before running
// anything (DESIGN decision 6: every schema change is deliberate and rehearsed).
#include <gmock/gmock.h>

#include <filesystem>
#include <fstream>

#include "migrate/Migrator.h"
#include "support/IntegrationTest.h"
#include "util/Error.h"

namespace agora::test {

namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MigratorLedgerTest : public IntegrationTest {
protected:
    void SetUp() override {
        IntegrationTest::SetUp();
        if (HasFatalFailure())
            return;
        auto suffix = TestServer::uniqueSuffix();
        schema_ = "it_ledger_" + suffix;
        dir_ = fs::temp_directory_path() / ("agora-ledger-" + suffix);
        fs::create_directories(dir_);
    }

    // A scratch schema and its ledger rows are not a tenant: remove them so reruns start clean.
    void TearDown() override {
        if (schema_.empty())
            return;
        auto lease = server().db();
        lease->exec("DROP SCHEMA IF EXISTS " + lease->quoteIdent(schema_) + " CASCADE");
        lease->q("DELETE FROM network.schema_migrations WHERE target = $1", schema_);
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    void write(const std::string& name, const std::string& sql) {
        std::ofstream(dir_ / name, std::ios::binary | std::ios::trunc) << sql;
    }
    int64_t rowsIn(const std::string& table) {
        return server().scalar("SELECT count(*) FROM " + schema_ + "." + table);
    }

    std::string schema_;
    fs::path dir_;
};

TEST_F(MigratorLedgerTest, EditedStepIsRefusedAndNothingRuns) {
    auto& s = server();
    const std::string seed = "INSERT INTO things VALUES (1);\n";
    write("001_things.sql", "CREATE TABLE things (id int PRIMARY KEY);\n");
    write("002_seed.sql", seed);
    {
        auto lease = s.db();
        auto applied =
            migrate::Migrator::apply(*lease, schema_, migrate::Migrator::loadSteps(dir_));
        EXPECT_THAT(applied, ElementsAre("001_things.sql", "002_seed.sql"));
    }
    EXPECT_EQ(rowsIn("things"), 1);
    auto ledger_before = s.text(
        "SELECT string_agg(step || '=' || checksum, ',' ORDER BY step) "
        "FROM network.schema_migrations WHERE target = $1",
        schema_);

    // Someone "fixes" an applied step in place, and a new step is waiting behind it.
    write("002_seed.sql", seed + "INSERT INTO things VALUES (2);\n");
    write("003_more.sql", "CREATE TABLE more_things (id int);\n");
    try {
        auto lease = s.db();
        migrate::Migrator::apply(*lease, schema_, migrate::Migrator::loadSteps(dir_));
        FAIL() << "an edited step was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "migration_edited");
        EXPECT_THAT(e.what(), HasSubstr("002_seed.sql"));
        EXPECT_THAT(e.what(), HasSubstr("edited"));
        EXPECT_THAT(e.what(), HasSubstr(schema_));
    }
    // Nothing applied: not the edit, not the pending step, ledger untouched.
    EXPECT_EQ(rowsIn("things"), 1);
    EXPECT_EQ(s.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                       "c.relnamespace WHERE n.nspname = $1 AND c.relname = 'more_things'",
                       schema_),
              0);
    EXPECT_EQ(s.text("SELECT string_agg(step || '=' || checksum, ',' ORDER BY step) "
                     "FROM network.schema_migrations WHERE target = $1",
                     schema_),
              ledger_before);

    // Putting the applied file back is the way forward: the pending step then runs.
    write("002_seed.sql", seed);
    auto lease = s.db();
    auto applied = migrate::Migrator::apply(*lease, schema_, migrate::Migrator::loadSteps(dir_));
    EXPECT_THAT(applied, ElementsAre("003_more.sql"));
}

}  // namespace

}  // namespace agora::test
