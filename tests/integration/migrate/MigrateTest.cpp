#include "MigrateTest.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <thread>

#include "accounts/AccountService.h"
#include "network/TenantService.h"
#include "tenancy/TenantNames.h"
#include "util/Subprocess.h"

namespace agora::test {

namespace fs = std::filesystem;

std::ostream& operator<<(std::ostream& os, const CliRun& r) {
    return os << "exit " << r.rc << "\n--- stdout\n" << r.out << "\n--- stderr\n" << r.err;
}

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// postgresql://user@host:port/db?params with the database replaced.
std::string withDatabase(const std::string& url, const std::string& db) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    auto query = url.find('?');
    std::string tail = query == std::string::npos ? "" : url.substr(query);
    if (slash == std::string::npos || (query != std::string::npos && slash > query))
        return url.substr(0, query) + "/" + db + tail;
    return url.substr(0, slash) + "/" + db + tail;
}

std::string randomSuffix() {
    static std::mt19937_64 rng{std::random_device{}()};
    return std::to_string(getpid()) + "_" + std::to_string(rng() % 1000000);
}

}  // namespace

void MigrateTest::SetUp() {
    saved_url_ = env("AGORA_DATABASE_URL");
    ASSERT_FALSE(saved_url_.empty())
        << "AGORA_DATABASE_URL is not set: these tests need the PostgreSQL that ops/test starts";
    // With split roles the migration role is the one that may create databases.
    saved_migration_url_ = env("AGORA_MIGRATION_DATABASE_URL");
    admin_url_ = saved_migration_url_.empty() ? saved_url_ : saved_migration_url_;
    had_root_ = std::getenv("AGORA_ROOT") != nullptr;
    saved_root_ = env("AGORA_ROOT");

    database_ = "agora_mig_" + randomSuffix();
    {
        db::PgConnection admin(admin_url_);
        admin.exec("CREATE DATABASE " + admin.quoteIdent(database_));
    }
    url_ = withDatabase(admin_url_, database_);

    root_ = fs::temp_directory_path() / ("agora-mig-root-" + randomSuffix());
    fs::path source = fs::path(AGORA_SOURCE_DIR) / "migrations";
    for (const char* folder : {"network", "tenant"}) {
        fs::create_directories(root_ / "migrations" / folder);
        for (const auto& e : fs::directory_iterator(source / folder))
            if (e.path().extension() == ".sql")
                fs::copy_file(e.path(), root_ / "migrations" / folder / e.path().filename());
    }
    ::setenv("AGORA_DATABASE_URL", withDatabase(saved_url_, database_).c_str(), 1);
    if (!saved_migration_url_.empty())
        ::setenv("AGORA_MIGRATION_DATABASE_URL", url_.c_str(), 1);
    ::setenv("AGORA_ROOT", root_.c_str(), 1);
    db_ = std::make_unique<db::PgConnection>(url_);
    app().initNetwork();
}

void MigrateTest::TearDown() {
    app_.reset();
    db_.reset();
    ::setenv("AGORA_DATABASE_URL", saved_url_.c_str(), 1);
    if (!saved_migration_url_.empty())
        ::setenv("AGORA_MIGRATION_DATABASE_URL", saved_migration_url_.c_str(), 1);
    if (had_root_)
        ::setenv("AGORA_ROOT", saved_root_.c_str(), 1);
    else
        ::unsetenv("AGORA_ROOT");
    if (!database_.empty() && !admin_url_.empty()) {
        // The sessions just closed may still be exiting on the server side, and the owner (not
        // a superuser) may not terminate another role's backend: retry for a few seconds.
        std::string last_error;
        for (int attempt = 0; attempt < 50; ++attempt) {
            try {
                db::PgConnection admin(admin_url_);
                admin.exec("DROP DATABASE IF EXISTS " + admin.quoteIdent(database_) +
                           " WITH (FORCE)");
                last_error.clear();
                break;
            } catch (const std::exception& e) {
                last_error = e.what();
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        if (!last_error.empty())
            ADD_FAILURE() << "could not drop test database " << database_ << ": " << last_error;
    }
    std::error_code ec;
    if (!root_.empty())
        fs::remove_all(root_, ec);
}

App& MigrateTest::app() {
    if (!app_)
        app_ = std::make_unique<App>(Config::load(), 6);
    return *app_;
}

void MigrateTest::resetApp() {
    app_.reset();
}

std::string MigrateTest::addTenant(const std::string& slug, const std::string& host) {
    TenantFile f;
    f.slug = slug;
    f.name = "Tenant " + slug;
    f.hosts = {host.empty() ? slug + ".test" : host};
    TenantService(app(), app().plugins()).add(f);
    return tenantSchemaFor(slug);
}

int64_t MigrateTest::addMember(const std::string& slug, const std::string& username,
                               const std::string& role) {
    {
        auto lease = app().pool().acquire();
        db::Transaction tx(*lease);
        AccountService::createAccount(
            *lease, {username, username + "@example.test", "correct horse battery", username});
        tx.commit();
    }
    TenantService(app(), app().plugins()).setRole(slug, username, role);
    return scalar("SELECT id FROM network.accounts WHERE username = '" + username + "'");
}

void MigrateTest::writeStep(const std::string& name, const std::string& sql) {
    std::ofstream(root_ / "migrations" / "tenant" / name, std::ios::binary | std::ios::trunc)
        << sql;
}

migrate::MigrationPlan MigrateTest::plan() const {
    return migrate::MigrationPlan::load(root_);
}

std::vector<std::string> MigrateTest::pending(const std::string& slug) {
    auto t = migrate::MigrationPlan::tenant(db(), slug);
    std::vector<std::string> out;
    for (const auto& s : plan().pending(db(), *t))
        out.push_back(s.name);
    return out;
}

int64_t MigrateTest::scalar(const std::string& sql) {
    return db().exec(sql).i64(0, 0);
}

std::string MigrateTest::text(const std::string& sql) {
    auto r = db().exec(sql);
    return r.empty() ? "" : r.str(0, 0);
}

CliRun MigrateTest::cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {AGORA_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    Subprocess p(argv, {.pipe_stdin = false, .pipe_stdout = true});
    CliRun r;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(p.stdoutFd(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        r.out.append(buf, static_cast<size_t>(n));
    }
    r.rc = p.wait();
    r.err = p.errorOutput();
    return r;
}

std::map<std::string, std::pair<int64_t, std::string>> MigrateTest::tableDigest(
    const std::string& schema) {
    std::map<std::string, std::pair<int64_t, std::string>> out;
    auto tables =
        db().q("SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema);
    for (int i = 0; i < tables.rows(); ++i) {
        std::string t = db().quoteIdent(schema) + "." + db().quoteIdent(tables.str(i, 0));
        // Row text in a deterministic order: sort on the text itself.
        auto r = db().exec(
            "SELECT count(*), md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) "
            "FROM (SELECT r::text AS x FROM " +
            t + " r) s");
        out[tables.str(i, 0)] = {r.i64(0, 0), r.str(0, 1)};
    }
    return out;
}

}  // namespace agora::test
