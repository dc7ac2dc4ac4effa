#include "migrate/Stager.h"

#include <chrono>
#include <optional>

#include "migrate/Ledger.h"
#include "migrate/SchemaCopy.h"
#include "migrate/TableChecksums.h"
#include "tenancy/AuditLog.h"
#include "tenancy/Directory.h"
#include "tenancy/TenantNames.h"
#include "tenancy/TenantRoles.h"
#include "util/Error.h"

namespace agora {

using Clock = std::chrono::steady_clock;

json StageResult::toJson() const {
    json j = {{"slug", slug},
              {"schema", schema},
              {"staging_of", parent},
              {"id", id},
              {"created", created},
              {"hosts", hosts},
              {"ledger_rows", ledger_rows},
              {"members", members},
              {"ms", ms}};
    if (!differences.empty())
        j["differences"] = differences;
    return j;
}

namespace {

// The tenant being copied, and what the copy carries over from it (read in the copied snapshot).
struct Source {
    int64_t id = 0;
    std::string schema, name, theme;
    std::optional<int64_t> existing_copy;  // the staging tenant's id, when it exists
    std::vector<migrate::LedgerEntry> ledger;
    std::vector<std::pair<int64_t, std::string>> members;  // account id, joined_at
    std::string snapshot;
};

Source readSource(db::PgConnection& a, const std::string& parent_slug, StageResult& out) {
    auto parent =
        a.q("SELECT id, name, schema_name, theme, staging_of FROM network.tenants WHERE slug = $1",
            parent_slug);
    if (parent.empty())
        throw Error::notFound("no tenant " + parent_slug);
    if (!parent.isNull(0, "staging_of"))
        throw Error::invalid("slug", parent_slug + " is itself a staging copy");
    Source src;
    src.id = parent.i64(0, "id");
    src.schema = parent.str(0, "schema_name");
    src.name = parent.str(0, "name");
    src.theme = parent.str(0, "theme");
    auto existing = a.q("SELECT id, staging_of FROM network.tenants WHERE slug = $1", out.slug);
    if (!existing.empty() && existing.optI64(0, "staging_of") != src.id)
        throw Error::conflict("tenant_exists", "tenant " + out.slug +
                                                   " exists and is not the staging copy of " +
                                                   parent_slug + "; refusing to overwrite it");
    out.created = existing.empty();
    if (!existing.empty())
        src.existing_copy = existing.i64(0, "id");
    return src;
}

// In the snapshot transaction: the rows the copy's ledger and memberships are made of.
void readSnapshotRows(db::PgConnection& a, Source& src) {
    src.snapshot = a.q("SELECT pg_export_snapshot()").str(0, 0);
    src.ledger = migrate::Ledger(a).entries(src.schema);
    auto members = a.q(
        "SELECT account_id, joined_at::text FROM network.memberships WHERE tenant_id = $1", src.id);
    for (int i = 0; i < members.rows(); ++i)
        src.members.emplace_back(members.i64(i, 0), members.str(i, 1));
}

// A new staging tenant: its row, its host (staging.<parent's first host>) and the parent's
// settings, so a rehearsal exercises the same behaviour.
int64_t createStagingTenant(db::PgConnection& b, const StageResult& out, const Source& src) {
    auto host =
        b.q("SELECT host FROM network.hosts WHERE tenant_id = $1 ORDER BY host LIMIT 1", src.id);
    if (host.empty())
        throw Error::invalid("hosts", out.parent + " has no host to derive staging's from");
    std::string staging_host = "staging." + host.str(0, 0);
    if (!b.q("SELECT 1 FROM network.hosts WHERE host = $1", staging_host).empty())
        throw Error::conflict("host_taken", "host " + staging_host + " is already served");
    int64_t id = b.q("INSERT INTO network.tenants (slug, name, schema_name, theme, staging_of) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     out.slug, src.name + " (staging)", out.schema, src.theme, src.id)
                     .i64(0, 0);
    b.q("INSERT INTO network.hosts (host, tenant_id) VALUES ($1, $2)", staging_host, id);
    b.q("INSERT INTO network.settings (tenant_id, key, value) "
        "SELECT $1, key, value FROM network.settings WHERE tenant_id = $2",
        id, src.id);
    return id;
}

// Same plugins as production (the copied schema holds their tables and ledger rows), and the
// parent's members (admins above all) can sign in to the copy.
void copyPluginsAndMembers(db::PgConnection& b, int64_t id, const Source& src) {
    b.q("DELETE FROM network.tenant_plugins WHERE tenant_id = $1", id);
    b.q("INSERT INTO network.tenant_plugins (tenant_id, plugin, enabled) "
        "SELECT $1, plugin, enabled FROM network.tenant_plugins WHERE tenant_id = $2",
        id, src.id);
    b.q("DELETE FROM network.memberships WHERE tenant_id = $1", id);
    for (const auto& [account, joined_at] : src.members)
        b.q("INSERT INTO network.memberships (account_id, tenant_id, joined_at) "
            "SELECT $1, $2, $3::timestamptz WHERE EXISTS (SELECT 1 FROM network.accounts "
            "WHERE id = $1)",
            account, id, joined_at);
}

// One short transaction: the scratch schema becomes the staging schema, with its ledger rows.
void switchToCopy(db::PgConnection& b, const std::string& build, const Source& src,
                  StageResult& out) {
    db::Transaction tx(b);
    // Serialised with migrations of the staging schema (they hold this lock while applying).
    b.q("SELECT pg_advisory_xact_lock(hashtext($1))", out.schema);
    b.exec("SET LOCAL lock_timeout = '10s'");
    b.exec("DROP SCHEMA IF EXISTS " + b.quoteIdent(out.schema) + " CASCADE");
    b.exec("ALTER SCHEMA " + b.quoteIdent(build) + " RENAME TO " + b.quoteIdent(out.schema));
    TenantRoles::ensure(b, out.schema);
    migrate::Ledger(b).replace(out.schema, src.ledger);
    out.ledger_rows = static_cast<int64_t>(src.ledger.size());
    out.id = out.created ? createStagingTenant(b, out, src) : *src.existing_copy;
    copyPluginsAndMembers(b, out.id, src);
    out.members = static_cast<int64_t>(src.members.size());
    auditLog(b, out.id, std::nullopt, out.created ? "tenant.stage" : "tenant.restage", out.slug,
             nullptr, json{{"staging_of", out.parent}, {"snapshot", src.snapshot}});
    b.exec(std::string("NOTIFY ") + kDirectoryChannel);
    tx.commit();
    b.forgetSchema();
}

void failOnDifferences(db::PgConnection& b, const std::string& build, const StageResult& out) {
    if (out.differences.empty())
        return;
    b.exec("DROP SCHEMA IF EXISTS " + b.quoteIdent(build) + " CASCADE");
    std::string list;
    for (const auto& d : out.differences)
        list += "\n  " + d;
    throw Error::internal("the staging copy of " + out.parent +
                          " does not match its source:" + list);
}

}  // namespace

StageResult Stager::stage(const std::string& parent_slug, bool verify,
                          const std::function<void(const std::string&)>& progress) {
    auto say = [&](const std::string& m) {
        if (progress)
            progress(m);
    };
    auto start = Clock::now();
    StageResult out;
    out.parent = parent_slug;
    out.slug = stagingSlug(parent_slug);
    if (!validTenantSlug(out.slug))
        throw Error::invalid(
            "slug", "staging slug " + out.slug + " is not a valid slug (at most 40 characters)");
    out.schema = tenantSchemaFor(out.slug);
    const std::string build = out.schema + "__build";

    auto lease_a = owner_.acquire();
    auto& a = *lease_a;
    Source src = readSource(a, parent_slug, out);
    // A crashed earlier run may have left its scratch schema.
    a.exec("DROP SCHEMA IF EXISTS " + a.quoteIdent(build) + " CASCADE");

    // One snapshot for the data (pg_dump imports it) and for the ledger and memberships read
    // here, so the copy's ledger describes exactly the copied schema.
    db::Transaction snap(a, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    readSnapshotRows(a, src);
    say("copying " + src.schema + " (snapshot " + src.snapshot + ")");
    try {
        migrate::SchemaCopy::copy(database_url_, src.schema, build, src.snapshot);
    } catch (...) {
        // psql commits what it got if pg_dump dies between statements: never leave that.
        db::PgConnection cleanup(database_url_);
        cleanup.exec("DROP SCHEMA IF EXISTS " + cleanup.quoteIdent(build) + " CASCADE");
        throw;
    }

    auto lease_b = owner_.acquire();
    auto& b = *lease_b;
    if (verify) {
        say("verifying row counts and checksums");
        auto expected = migrate::TableChecksums::compute(a, src.schema);
        auto actual = migrate::TableChecksums::compute(b, build);
        out.differences = migrate::TableChecksums::differences(expected, actual);
    }
    snap.commit();
    failOnDifferences(b, build, out);

    say("switching " + out.slug + " to the new copy");
    switchToCopy(b, build, src, out);

    auto hosts = b.q("SELECT host FROM network.hosts WHERE tenant_id = $1 ORDER BY host", out.id);
    for (int i = 0; i < hosts.rows(); ++i)
        out.hosts.push_back(hosts.str(i, 0));
    out.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    return out;
}

}  // namespace agora
