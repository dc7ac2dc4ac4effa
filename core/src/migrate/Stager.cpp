#include "migrate/Stager.h"

#include <chrono>
#include <optional>

#include "migrate/SchemaCopy.h"
#include "migrate/TableChecksums.h"
#include "tenancy/AuditLog.h"
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

    auto lease_a = app_.ownerPool().acquire();
    auto& a = *lease_a;
    auto parent =
        a.q("SELECT id, name, schema_name, theme, staging_of FROM network.tenants WHERE slug = $1",
            parent_slug);
    if (parent.empty())
        throw Error::notFound("no tenant " + parent_slug);
    if (!parent.isNull(0, "staging_of"))
        throw Error::invalid("slug", parent_slug + " is itself a staging copy");
    int64_t parent_id = parent.i64(0, "id");
    std::string parent_schema = parent.str(0, "schema_name");
    auto existing = a.q("SELECT id, staging_of FROM network.tenants WHERE slug = $1", out.slug);
    if (!existing.empty() && existing.optI64(0, "staging_of") != parent_id)
        throw Error::conflict("tenant_exists", "tenant " + out.slug +
                                                   " exists and is not the staging copy of " +
                                                   parent_slug + "; refusing to overwrite it");
    out.created = existing.empty();

    // A crashed earlier run may have left its scratch schema.
    a.exec("DROP SCHEMA IF EXISTS " + a.quoteIdent(build) + " CASCADE");

    // One snapshot for the data (pg_dump imports it) and for the ledger and memberships read
    // here, so the copy's ledger describes exactly the copied schema.
    db::Transaction snap(a, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    std::string snapshot = a.q("SELECT pg_export_snapshot()").str(0, 0);
    auto ledger =
        a.q("SELECT step, checksum, applied_at::text, duration_ms FROM network.schema_migrations "
            "WHERE target = $1 ORDER BY step",
            parent_schema);
    auto members =
        a.q("SELECT account_id, joined_at::text FROM network.memberships WHERE tenant_id = $1",
            parent_id);
    say("copying " + parent_schema + " (snapshot " + snapshot + ")");
    try {
        migrate::SchemaCopy::copy(app_.config().migration_database_url, parent_schema, build,
                                  snapshot);
    } catch (...) {
        // psql commits what it got if pg_dump dies between statements: never leave that.
        db::PgConnection cleanup(app_.config().migration_database_url);
        cleanup.exec("DROP SCHEMA IF EXISTS " + cleanup.quoteIdent(build) + " CASCADE");
        throw;
    }

    auto lease_b = app_.ownerPool().acquire();
    auto& b = *lease_b;
    if (verify) {
        say("verifying row counts and checksums");
        auto expected = migrate::TableChecksums::compute(a, parent_schema);
        auto actual = migrate::TableChecksums::compute(b, build);
        out.differences = migrate::TableChecksums::differences(expected, actual);
    }
    snap.commit();
    if (!out.differences.empty()) {
        b.exec("DROP SCHEMA IF EXISTS " + b.quoteIdent(build) + " CASCADE");
        std::string list;
        for (const auto& d : out.differences)
            list += "\n  " + d;
        throw Error::internal("the staging copy of " + parent_slug +
                              " does not match its source:" + list);
    }

    say("switching " + out.slug + " to the new copy");
    db::Transaction tx(b);
    // Serialised with migrations of the staging schema (they hold this lock while applying).
    b.q("SELECT pg_advisory_xact_lock(hashtext($1))", out.schema);
    b.exec("SET LOCAL lock_timeout = '10s'");
    b.exec("DROP SCHEMA IF EXISTS " + b.quoteIdent(out.schema) + " CASCADE");
    b.exec("ALTER SCHEMA " + b.quoteIdent(build) + " RENAME TO " + b.quoteIdent(out.schema));
    TenantRoles::ensure(b, out.schema);

    b.q("DELETE FROM network.schema_migrations WHERE target = $1", out.schema);
    for (int i = 0; i < ledger.rows(); ++i)
        b.q("INSERT INTO network.schema_migrations (target, step, checksum, applied_at, "
            "duration_ms) VALUES ($1, $2, $3, $4::timestamptz, $5)",
            out.schema, ledger.str(i, 0), ledger.str(i, 1), ledger.str(i, 2), ledger.i64(i, 3));
    out.ledger_rows = ledger.rows();

    if (out.created) {
        auto host = b.q("SELECT host FROM network.hosts WHERE tenant_id = $1 ORDER BY host LIMIT 1",
                        parent_id);
        if (host.empty())
            throw Error::invalid("hosts", parent_slug + " has no host to derive staging's from");
        std::string staging_host = "staging." + host.str(0, 0);
        if (!b.q("SELECT 1 FROM network.hosts WHERE host = $1", staging_host).empty())
            throw Error::conflict("host_taken", "host " + staging_host + " is already served");
        out.id = b.q("INSERT INTO network.tenants (slug, name, schema_name, theme, staging_of) "
                     "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                     out.slug, parent.str(0, "name") + " (staging)", out.schema,
                     parent.str(0, "theme"), parent_id)
                     .i64(0, 0);
        b.q("INSERT INTO network.hosts (host, tenant_id) VALUES ($1, $2)", staging_host, out.id);
        // Same settings as production, so a rehearsal exercises the same behaviour.
        b.q("INSERT INTO network.settings (tenant_id, key, value) "
            "SELECT $1, key, value FROM network.settings WHERE tenant_id = $2",
            out.id, parent_id);
    } else {
        out.id = existing.i64(0, "id");
    }
    // Same plugins as production: the copied schema holds their tables and ledger rows.
    b.q("DELETE FROM network.tenant_plugins WHERE tenant_id = $1", out.id);
    b.q("INSERT INTO network.tenant_plugins (tenant_id, plugin, enabled) "
        "SELECT $1, plugin, enabled FROM network.tenant_plugins WHERE tenant_id = $2",
        out.id, parent_id);
    // The parent's members (admins above all) can sign in to the copy.
    b.q("DELETE FROM network.memberships WHERE tenant_id = $1", out.id);
    for (int i = 0; i < members.rows(); ++i)
        b.q("INSERT INTO network.memberships (account_id, tenant_id, joined_at) "
            "SELECT $1, $2, $3::timestamptz WHERE EXISTS (SELECT 1 FROM network.accounts "
            "WHERE id = $1)",
            members.i64(i, 0), out.id, members.str(i, 1));
    out.members = members.rows();
    auditLog(b, out.id, std::nullopt, out.created ? "tenant.stage" : "tenant.restage", out.slug,
             nullptr, json{{"staging_of", parent_slug}, {"snapshot", snapshot}});
    b.exec(std::string("NOTIFY ") + kDirectoryChannel);
    tx.commit();
    b.forgetSchema();

    auto hosts = b.q("SELECT host FROM network.hosts WHERE tenant_id = $1 ORDER BY host", out.id);
    for (int i = 0; i < hosts.rows(); ++i)
        out.hosts.push_back(hosts.str(i, 0));
    out.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    return out;
}

}  // namespace agora
