#include "migrate/TenantBackup.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "migrate/Ledger.h"
#include "migrate/SchemaCopy.h"
#include "migrate/TableChecksums.h"
#include "tenancy/AuditLog.h"
#include "tenancy/Directory.h"
#include "tenancy/TenantNames.h"
#include "tenancy/TenantRoles.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Subprocess.h"

namespace agora::migrate {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

int64_t msSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string fileSha256(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return crypto::sha256Hex(ss.str());
}

// Rows of a result as JSON objects, every value as text (NULL as null).
json rowsJson(const db::PgResult& r) {
    json out = json::array();
    for (int i = 0; i < r.rows(); ++i) {
        json row = json::object();
        for (int c = 0; c < r.columns(); ++c)
            row[r.columnName(c)] = r.isNull(i, c) ? json(nullptr) : json(r.str(i, c));
        out.push_back(std::move(row));
    }
    return out;
}

void writeAtomically(const fs::path& file, const std::string& content) {
    fs::path tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out)
            throw Error::internal("cannot write " + tmp.string());
    }
    fs::rename(tmp, file);
}

json ledgerJson(const std::vector<LedgerEntry>& ledger) {
    json out = json::array();
    for (const auto& e : ledger)
        out.push_back({{"step", e.step},
                       {"checksum", e.checksum},
                       {"applied_at", e.applied_at},
                       {"duration_ms", std::to_string(e.duration_ms)}});
    return out;
}

std::vector<LedgerEntry> ledgerFromJson(const json& rows) {
    std::vector<LedgerEntry> out;
    for (const auto& l : rows) {
        LedgerEntry e;
        e.step = l["step"].get<std::string>();
        e.checksum = l["checksum"].get<std::string>();
        e.applied_at = l["applied_at"].get<std::string>();
        e.duration_ms = std::stoll(l["duration_ms"].get<std::string>());
        out.push_back(std::move(e));
    }
    return out;
}

// The manifest's network rows, read in the dump's snapshot.
void describeTenant(db::PgConnection& c, int64_t id, const std::string& schema, json& manifest) {
    manifest["server_version"] = c.q("SHOW server_version").str(0, 0);
    manifest["created_at"] = c.q("SELECT now()::text").str(0, 0);
    manifest["hosts"] =
        rowsJson(c.q("SELECT host FROM network.hosts WHERE tenant_id = $1 "
                     "ORDER BY host",
                     id));
    manifest["settings"] = rowsJson(c.q(
        "SELECT key, value::text AS value, updated_at::text AS updated_at FROM network.settings "
        "WHERE tenant_id = $1 ORDER BY key",
        id));
    manifest["plugins"] = rowsJson(c.q(
        "SELECT plugin, enabled::text AS enabled FROM network.tenant_plugins WHERE tenant_id = $1 "
        "ORDER BY plugin",
        id));
    manifest["memberships"] = rowsJson(
        c.q("SELECT m.account_id::text AS account_id, a.username, m.joined_at::text AS joined_at "
            "FROM network.memberships m JOIN network.accounts a ON a.id = m.account_id "
            "WHERE m.tenant_id = $1 ORDER BY m.account_id",
            id));
    manifest["ledger"] = ledgerJson(Ledger(c).entries(schema));
}

// DIR/SLUG/manifest.json, or DIR/manifest.json when DIR is the tenant's folder itself; checked
// (format, slug, dump checksum) before anything is touched.
std::pair<fs::path, json> readManifest(const std::string& slug, const fs::path& dir,
                                       const std::function<void(const std::string&)>& say) {
    fs::path src = dir / slug;
    if (!fs::exists(src / "manifest.json") && fs::exists(dir / "manifest.json"))
        src = dir;
    if (!fs::exists(src / "manifest.json"))
        throw Error::notFound("no backup of " + slug + " in " + dir.string() + " (expected " +
                              (dir / slug / "manifest.json").string() + ")");
    json manifest;
    try {
        std::ifstream in(src / "manifest.json");
        manifest = json::parse(in);
    } catch (const json::exception& e) {
        throw Error::invalid("from", "unreadable manifest: " + std::string(e.what()));
    }
    if (manifest.value("format", 0) != TenantBackup::kFormat)
        throw Error::invalid(
            "from", "unsupported backup format " + std::to_string(manifest.value("format", 0)));
    if (manifest.value("slug", "") != slug)
        throw Error::invalid("from", "the backup in " + src.string() + " is of " +
                                         manifest.value("slug", "?") + ", not " + slug);
    fs::path dump = src / manifest["dump"]["file"].get<std::string>();
    say("checking " + dump.string());
    if (fileSha256(dump) != manifest["dump"]["sha256"].get<std::string>())
        throw Error::invalid("from", dump.string() + " does not match its manifest checksum");
    return {src, std::move(manifest)};
}

// The hosts the restored tenant will serve; refuses one another tenant serves.
std::vector<std::string> restoreHosts(db::PgConnection& c, const RestoreOptions& options,
                                      const json& manifest, const RestoreResult& out) {
    std::vector<std::string> hosts = options.hosts;
    if (hosts.empty() && out.created)
        for (const auto& h : manifest["hosts"])
            hosts.push_back(h["host"].get<std::string>());
    for (const auto& h : hosts) {
        auto owner =
            c.q("SELECT t.slug FROM network.hosts h JOIN network.tenants t ON "
                "t.id = h.tenant_id WHERE h.host = $1",
                h);
        if (!owner.empty() && owner.str(0, 0) != out.slug)
            throw Error::conflict("host_taken", "host " + h + " is served by " + owner.str(0, 0) +
                                                    "; pass --host for the restored tenant");
    }
    return hosts;
}

void requireEmpty(db::PgConnection& c, const db::PgResult& existing, const std::string& slug) {
    // "Emptied" means nobody's data is there: no members (every post, vote or flag belongs
    // to a member) and no memberships. Rows the migrations seed (close reasons, counters)
    // don't count. Restoring over members would silently lose them.
    std::string schema_q = c.quoteIdent(existing.str(0, "schema_name"));
    int64_t members = 0;
    if (c.q("SELECT to_regclass($1) IS NOT NULL", existing.str(0, "schema_name") + ".members")
            .boolean(0, 0))
        members = c.exec("SELECT count(*) FROM " + schema_q + ".members").i64(0, 0);
    members +=
        c.q("SELECT count(*) FROM network.memberships WHERE tenant_id = $1", existing.i64(0, "id"))
            .i64(0, 0);
    if (members > 0)
        throw Error::conflict("tenant_not_empty",
                              "tenant " + slug + " has members (" + std::to_string(members) +
                                  "); restore into a new slug with --as, or empty it first");
}

// The restored schema under its scratch name, checked against the manifest's counts and sums.
void restoreVerified(db::PgConnection& c, const std::string& database_url, const fs::path& dump,
                     const std::string& from_schema, const std::string& build, const json& manifest,
                     RestoreResult& out, const std::function<void(const std::string&)>& say) {
    try {
        SchemaCopy::restore(database_url, dump, from_schema, build);
        say("verifying row counts and checksums");
        auto expected = TableChecksums::fromJson(manifest["tables"]);
        auto actual = TableChecksums::compute(c, build);
        auto diff = TableChecksums::differences(expected, actual);
        if (!diff.empty()) {
            std::string list;
            for (const auto& d : diff)
                list += "\n  " + d;
            throw Error::internal("the restored data does not match the backup:" + list);
        }
        for (const auto& [name, s] : actual)
            out.rows += s.rows;
        out.tables = static_cast<int64_t>(actual.size());
    } catch (...) {
        c.exec("DROP SCHEMA IF EXISTS " + c.quoteIdent(build) + " CASCADE");
        throw;
    }
}

// The tenant row: a new one, or the existing (empty) one pointed at the restored schema.
void installTenant(db::PgConnection& c, const db::PgResult& existing, const json& tenant,
                   RestoreResult& out) {
    if (out.created) {
        out.id = c.q("INSERT INTO network.tenants (slug, name, schema_name, theme, status) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     out.slug, tenant["name"].get<std::string>(), out.schema,
                     tenant["theme"].get<std::string>(), tenant["status"].get<std::string>())
                     .i64(0, 0);
        return;
    }
    out.id = existing.i64(0, "id");
    c.exec("DROP SCHEMA IF EXISTS " + c.quoteIdent(existing.str(0, "schema_name")) + " CASCADE");
    c.q("UPDATE network.tenants SET name = $2, theme = $3, schema_name = $4, "
        "updated_at = now() WHERE id = $1",
        out.id, tenant["name"].get<std::string>(), tenant["theme"].get<std::string>(), out.schema);
    c.q("DELETE FROM network.settings WHERE tenant_id = $1", out.id);
    c.q("DELETE FROM network.tenant_plugins WHERE tenant_id = $1", out.id);
}

// Hosts, settings, plugins, ledger and memberships from the manifest.
void installNetworkRows(db::PgConnection& c, const std::vector<std::string>& hosts,
                        const json& manifest, const RestoreResult& out) {
    if (!hosts.empty()) {
        c.q("DELETE FROM network.hosts WHERE tenant_id = $1", out.id);
        for (const auto& h : hosts)
            c.q("INSERT INTO network.hosts (host, tenant_id) VALUES ($1, $2)", h, out.id);
    }
    for (const auto& s : manifest["settings"])
        c.q("INSERT INTO network.settings (tenant_id, key, value) VALUES ($1, $2, $3::jsonb)",
            out.id, s["key"].get<std::string>(), s["value"].get<std::string>());
    for (const auto& p : manifest["plugins"])
        c.q("INSERT INTO network.tenant_plugins (tenant_id, plugin, enabled) VALUES ($1, $2, $3)",
            out.id, p["plugin"].get<std::string>(), p["enabled"].get<std::string>() == "true");
    Ledger(c).replace(out.schema, ledgerFromJson(manifest["ledger"]));
    // Accounts are network-wide; a membership comes back only for an account that still exists.
    for (const auto& m : manifest["memberships"])
        c.q("INSERT INTO network.memberships (account_id, tenant_id, joined_at) "
            "SELECT $1::bigint, $2, $3::timestamptz WHERE EXISTS "
            "(SELECT 1 FROM network.accounts WHERE id = $1::bigint) ON CONFLICT DO NOTHING",
            m["account_id"].get<std::string>(), out.id, m["joined_at"].get<std::string>());
}

}  // namespace

json BackupResult::toJson() const {
    return {{"slug", slug}, {"dir", dir.string()},      {"tables", tables},
            {"rows", rows}, {"dump_bytes", dump_bytes}, {"ms", ms}};
}

json RestoreResult::toJson() const {
    return {{"slug", slug},   {"schema", schema}, {"id", id},     {"created", created},
            {"hosts", hosts}, {"tables", tables}, {"rows", rows}, {"ms", ms}};
}

BackupResult TenantBackup::backup(const std::string& slug, const fs::path& dir,
                                  const std::function<void(const std::string&)>& progress) {
    auto start = Clock::now();
    BackupResult out;
    out.slug = slug;
    out.dir = dir / slug;
    if (fs::exists(out.dir / "manifest.json"))
        throw Error::conflict("backup_exists",
                              out.dir.string() + " already holds a backup; choose another --to");
    fs::create_directories(out.dir);

    auto lease = owner_.acquire();
    auto& c = *lease;
    db::Transaction snap(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    std::string snapshot = c.q("SELECT pg_export_snapshot()").str(0, 0);
    auto tenant =
        c.q("SELECT t.id, t.slug, t.name, t.schema_name, t.theme, t.status, t.shard, "
            "       p.slug AS staging_of, t.created_at::text AS created_at "
            "FROM network.tenants t LEFT JOIN network.tenants p ON p.id = t.staging_of "
            "WHERE t.slug = $1",
            slug);
    if (tenant.empty())
        throw Error::notFound("no tenant " + slug);
    int64_t id = tenant.i64(0, "id");
    std::string schema = tenant.str(0, "schema_name");

    // pg_dump runs in its own process while this transaction sums the same snapshot: the two
    // cores do the two reads at once.
    if (progress)
        progress(slug + ": dumping " + schema);
    fs::path dump = out.dir / "schema.dump";
    Subprocess pg_dump(
        {"pg_dump", "--format=custom", "--lock-wait-timeout=30s", "--schema=" + schema,
         "--snapshot=" + snapshot, "--file=" + dump.string(), "-d", database_url_},
        {});

    json manifest;
    manifest["format"] = kFormat;
    manifest["slug"] = slug;
    manifest["schema"] = schema;
    manifest["snapshot"] = snapshot;
    manifest["tenant"] = rowsJson(tenant)[0];
    describeTenant(c, id, schema, manifest);
    if (progress)
        progress(slug + ": counting and checksumming rows");
    auto sums = TableChecksums::compute(c, schema);
    manifest["tables"] = TableChecksums::toJson(sums);

    int rc = pg_dump.wait();
    snap.commit();
    if (rc != 0)
        throw Error::internal("pg_dump of " + schema + " failed: " + pg_dump.errorOutput());
    out.dump_bytes = static_cast<int64_t>(fs::file_size(dump));
    manifest["dump"] = {
        {"file", "schema.dump"}, {"bytes", out.dump_bytes}, {"sha256", fileSha256(dump)}};
    // The manifest last: a directory with a manifest holds a complete backup.
    writeAtomically(out.dir / "manifest.json", manifest.dump(2) + "\n");

    out.tables = static_cast<int64_t>(sums.size());
    for (const auto& [name, s] : sums)
        out.rows += s.rows;
    out.ms = msSince(start);
    return out;
}

RestoreResult TenantBackup::restore(const std::string& slug, const fs::path& dir,
                                    const RestoreOptions& options,
                                    const std::function<void(const std::string&)>& progress) {
    auto start = Clock::now();
    auto say = [&](const std::string& m) {
        if (progress)
            progress(m);
    };
    auto [src, manifest] = readManifest(slug, dir, say);
    fs::path dump = src / manifest["dump"]["file"].get<std::string>();

    RestoreResult out;
    out.slug = options.as_slug.value_or(slug);
    if (!validTenantSlug(out.slug))
        throw Error::invalid("as", out.slug + " is not a valid slug");
    out.schema = tenantSchemaFor(out.slug);
    const std::string from_schema = manifest["schema"].get<std::string>();
    const std::string build = out.schema + "__restore";

    auto lease = owner_.acquire();
    auto& c = *lease;
    auto existing = c.q("SELECT id, schema_name FROM network.tenants WHERE slug = $1", out.slug);
    out.created = existing.empty();
    auto hosts = restoreHosts(c, options, manifest, out);
    if (!out.created)
        requireEmpty(c, existing, out.slug);

    c.exec("DROP SCHEMA IF EXISTS " + c.quoteIdent(build) + " CASCADE");
    say("restoring " + from_schema + " as " + out.slug);
    restoreVerified(c, database_url_, dump, from_schema, build, manifest, out, say);

    db::Transaction tx(c);
    c.q("SELECT pg_advisory_xact_lock(hashtext($1))", out.schema);
    installTenant(c, existing, manifest["tenant"], out);
    c.exec("ALTER SCHEMA " + c.quoteIdent(build) + " RENAME TO " + c.quoteIdent(out.schema));
    TenantRoles::ensure(c, out.schema);
    installNetworkRows(c, hosts, manifest, out);
    auditLog(c, out.id, std::nullopt, "tenant.restore", out.slug, nullptr,
             json{{"from", src.string()}, {"backup_of", slug}});
    c.exec(std::string("NOTIFY ") + kDirectoryChannel);
    tx.commit();

    auto h = c.q("SELECT host FROM network.hosts WHERE tenant_id = $1 ORDER BY host", out.id);
    for (int i = 0; i < h.rows(); ++i)
        out.hosts.push_back(h.str(i, 0));
    out.ms = msSince(start);
    return out;
}

}  // namespace agora::migrate
