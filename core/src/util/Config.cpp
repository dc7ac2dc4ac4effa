#include "util/Config.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

namespace agora {

namespace fs = std::filesystem;

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

fs::path executableDir() {
    std::error_code ec;
    auto p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : p.parent_path();
}

// The checkout root: the first ancestor holding migrations/network.
fs::path findRoot() {
    if (auto r = env("AGORA_ROOT"); !r.empty())
        return r;
    for (auto start : {fs::current_path(), executableDir()}) {
        for (auto p = start; !p.empty(); p = p.parent_path()) {
            if (fs::exists(p / "migrations" / "network"))
                return p;
            if (p == p.parent_path())
                break;
        }
    }
    return fs::current_path();
}

std::map<std::string, std::string> readEnvFile(const fs::path& file) {
    std::map<std::string, std::string> out;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (line.empty() || line[0] == '#' || eq == std::string::npos)
            continue;
        std::string value = line.substr(eq + 1);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front())
            value = value.substr(1, value.size() - 2);
        out[line.substr(0, eq)] = value;
    }
    return out;
}

}  // namespace

int64_t wholeNumberSetting(const std::string& name, const std::string& text) {
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || n < 0 || errno == ERANGE)
        throw std::runtime_error(name + " must be a whole number >= 0, not \"" + text + "\"");
    return n;
}

Config Config::load() {
    Config c;
    c.root = findRoot();
    auto file = readEnvFile(c.root / ".agora" / "agora.env");
    auto pick = [&](const char* name) {
        auto v = env(name);
        return v.empty() ? file[name] : v;
    };
    c.database_url = pick("AGORA_DATABASE_URL");
    // Both database URLs from the same place: an AGORA_DATABASE_URL in the environment must
    // not be paired with the migration URL ops/up wrote for its own servers.
    c.migration_database_url = env("AGORA_DATABASE_URL").empty()
                                   ? pick("AGORA_MIGRATION_DATABASE_URL")
                                   : env("AGORA_MIGRATION_DATABASE_URL");
    if (c.migration_database_url.empty())
        c.migration_database_url = c.database_url;
    c.redis_url = pick("AGORA_REDIS_URL");
    c.smtp_url = pick("AGORA_SMTP_URL");
    if (auto u = pick("AGORA_PUBLIC_URL"); !u.empty())
        c.public_url = u;
    if (auto d = env("AGORA_PLUGIN_DIR"); !d.empty()) {
        c.plugin_dir = d;
    } else {
        c.plugin_dir = executableDir() / "plugins";
    }
    if (auto w = env("AGORA_WORKERS"); !w.empty())
        c.workers = std::atoi(w.c_str());
    // A bad list is an error at start, never a silently empty (or open) one.
    try {
        c.trusted_proxies = AddressSet::parse(pick("AGORA_TRUSTED_PROXIES"));
        if (auto m = pick("AGORA_METRICS_ALLOW"); !m.empty())
            c.metrics_allow = AddressSet::parse(m);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("AGORA_TRUSTED_PROXIES / AGORA_METRICS_ALLOW: ") +
                                 e.what());
    }
    auto number = [&](const char* name, int64_t& into) {
        auto v = pick(name);
        if (v.empty())
            return;
        into = wholeNumberSetting(name, v);
    };
    number("AGORA_LOGIN_FAILURES_PER_ACCOUNT", c.login_failures_per_account);
    number("AGORA_LOGIN_FAILURES_PER_ADDRESS", c.login_failures_per_address);
    number("AGORA_LOGIN_WINDOW_SECONDS", c.login_window_seconds);
    number("AGORA_SIGNUPS_PER_ADDRESS", c.signups_per_address);
    number("AGORA_SIGNUP_WINDOW_SECONDS", c.signup_window_seconds);
    number("AGORA_DB_CONNECT_TIMEOUT_SECONDS", c.db_connect_timeout_seconds);
    number("AGORA_DB_STATEMENT_TIMEOUT_MS", c.db_statement_timeout_ms);
    number("AGORA_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", c.db_idle_in_transaction_timeout_ms);
    return c;
}

}  // namespace agora
