#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/App.h"
#include "db/PgConnection.h"
#include "migrate/MigrationPlan.h"

namespace agora::test {

// What one run of the `agora` binary printed.
struct CliRun {
    int rc = -1;
    std::string out;
    std::string err;
    nlohmann::json json() const { return nlohmann::json::parse(out); }
};

std::ostream& operator<<(std::ostream& os, const CliRun& r);

// Each test runs in a database of its own on the ops/test server (created in SetUp, dropped in
// TearDown) with a checkout root of its own (migrations/ copied from the source tree), so steps a
// test adds and `--all` runs see only that test's tenants. The environment points both the
// in-process App and the `agora` binary at them.
class MigrateTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    App& app();
    // Rebuilds the App (it reads migrations/tenant once, when constructed).
    void resetApp();
    db::PgConnection& db() { return *db_; }
    const std::string& url() const { return url_; }
    const std::filesystem::path& root() const { return root_; }

    // A tenant created the way `agora tenant add` does; returns its schema.
    std::string addTenant(const std::string& slug, const std::string& host = "");
    // A network account that is a member of `slug` with `role`.
    int64_t addMember(const std::string& slug, const std::string& username,
                      const std::string& role = "member");
    // Adds or replaces migrations/tenant/NAME in this test's root.
    void writeStep(const std::string& name, const std::string& sql);
    migrate::MigrationPlan plan() const;
    std::vector<std::string> pending(const std::string& slug);
    int64_t scalar(const std::string& sql);
    std::string text(const std::string& sql);

    CliRun cli(const std::vector<std::string>& args);

    // An independent checksum per table: md5 of all rows in primary-key order, computed here
    // rather than with the code under test.
    std::map<std::string, std::pair<int64_t, std::string>> tableDigest(const std::string& schema);

private:
    std::string admin_url_;
    std::string url_;
    std::string database_;
    std::filesystem::path root_;
    std::string saved_url_, saved_migration_url_, saved_root_;
    bool had_root_ = false;
    std::unique_ptr<db::PgConnection> db_;
    std::unique_ptr<App> app_;
};

}  // namespace agora::test
