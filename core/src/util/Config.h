#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "util/AddressSet.h"

namespace agora {

// Where Agora finds its servers and files. AGORA_* environment variables win; otherwise the
// `.agora/agora.env` written by ops/up (searched from the working directory upwards), so the
// CLI run from a checkout talks to the same servers as `ops/up`.
struct Config {
    // AGORA_DATABASE_URL: the role requests run as (DML only when the roles are split).
    std::string database_url;
    // AGORA_MIGRATION_DATABASE_URL: the role that owns the schemas and runs migrations, tenant
    // creation and plugin enabling. Unset = database_url, i.e. one role does everything.
    std::string migration_database_url;
    std::string redis_url;
    // AGORA_SMTP_URL: smtp://[user:pass@]host:port (STARTTLS when offered) or smtps:// (implicit
    // TLS). Empty = mail stays queued in the outbox until a sender with a URL runs.
    std::string smtp_url;
    // AGORA_PUBLIC_URL: how members reach a community, for links in mail; "{host}" is replaced
    // by the community's host name. ops/up sets http://{host}:PORT.
    std::string public_url = "https://{host}";
    std::filesystem::path root;        // checkout: migrations/, themes/, tenants/
    std::filesystem::path plugin_dir;  // the only folder plugins are loaded from
    int workers = 0;                   // 0 = derive from cores
    // Proxies whose X-Forwarded-For/-Proto are believed (AGORA_TRUSTED_PROXIES); none by
    // default, so no visitor can choose the address rate limits and logs see.
    AddressSet trusted_proxies;
    // Who may read /metrics (AGORA_METRICS_ALLOW), checked against the client address.
    AddressSet metrics_allow = AddressSet::parse("127.0.0.1, ::1");

    // Login and sign-up throttles, network-wide (accounts are): failed logins per account and
    // per client address in `login_window_seconds`, sign-ups per address per
    // `signup_window_seconds`. AGORA_LOGIN_FAILURES_PER_ACCOUNT, AGORA_LOGIN_FAILURES_PER_ADDRESS,
    // AGORA_LOGIN_WINDOW_SECONDS, AGORA_SIGNUPS_PER_ADDRESS, AGORA_SIGNUP_WINDOW_SECONDS.
    int64_t login_failures_per_account = 10;
    int64_t login_failures_per_address = 30;
    int64_t login_window_seconds = 15 * 60;
    int64_t signups_per_address = 5;
    int64_t signup_window_seconds = 3600;

    // PostgreSQL limits for the server's connections (libpq connect_timeout, statement_timeout,
    // idle_in_transaction_session_timeout): AGORA_DB_CONNECT_TIMEOUT_SECONDS,
    // AGORA_DB_STATEMENT_TIMEOUT_MS, AGORA_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS; 0 = none.
    int64_t db_connect_timeout_seconds = 5;
    int64_t db_statement_timeout_ms = 30000;
    int64_t db_idle_in_transaction_timeout_ms = 60000;

    static Config load();
    // Whether requests and migrations use different roles.
    bool splitRoles() const { return migration_database_url != database_url; }
};

// An environment setting that must be a whole number >= 0; a clear error naming it otherwise.
int64_t wholeNumberSetting(const std::string& name, const std::string& text);

}  // namespace agora
