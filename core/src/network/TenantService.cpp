#include "network/TenantService.h"

#include <regex>
#include <set>

#include "cache/PageCache.h"
#include "network/PluginService.h"
#include "network/PluginSteps.h"
#include "plugins/PluginHost.h"
#include "tenancy/AuditLog.h"
#include "tenancy/TenantNames.h"
#include "tenancy/TenantRoles.h"
#include "util/Error.h"

namespace agora {

static void checkHosts(const TenantFile& spec) {
    static const std::regex host_re(
        "^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$");
    for (const auto& h : spec.hosts)
        if (!std::regex_match(h, host_re))
            throw Error::invalid("hosts", "\"" + h + "\" is not a lower-case host name");
}

void TenantService::validateSettings(const TenantFile& spec) {
    for (const auto& [k, v] : spec.settings)
        services_.settings().validate(k, v);
}

void TenantService::validatePlugins(const TenantFile& spec) {
    // Only a process that loaded the plugin directory knows which names are real; one that
    // didn't (a library user) records the names as given.
    if (plugins_.loaded())
        PluginService(services_, plugins_).requireLoaded(spec.plugins);
}

int64_t TenantService::add(const TenantFile& spec, std::optional<int64_t> actor) {
    if (!validTenantSlug(spec.slug))
        throw Error::invalid("slug",
                             "slug must be lower-case letters, digits and dashes, "
                             "starting with a letter");
    checkHosts(spec);
    validatePlugins(spec);
    validateSettings(spec);
    auto lease = services_.ownerPool().acquire();
    auto& c = *lease;
    if (!c.q("SELECT 1 FROM network.tenants WHERE slug = $1", spec.slug).empty())
        throw Error::conflict("tenant_exists", "a tenant named " + spec.slug + " already exists");
    for (const auto& h : spec.hosts)
        if (!c.q("SELECT 1 FROM network.hosts WHERE host = $1", h).empty())
            throw Error::conflict("host_taken", "host " + h + " is already served");
    std::optional<int64_t> parent;
    if (spec.staging_of) {
        auto p = c.q("SELECT id FROM network.tenants WHERE slug = $1", *spec.staging_of);
        if (p.empty())
            throw Error::invalid("staging_of", "no tenant " + *spec.staging_of + " to stage");
        parent = p.i64(0, 0);
    }
    std::string schema = tenantSchemaFor(spec.slug);
    // Schema and tables first: the directory must never point at a schema that isn't ready.
    migrate::Migrator::apply(c, schema, services_.tenantSteps());
    PluginService plugins(services_, plugins_);
    if (plugins_.loaded())
        for (const auto& p : spec.plugins)
            plugins.migrate(c, schema, p);

    db::Transaction tx(c);
    auto r =
        c.q("INSERT INTO network.tenants (slug, name, schema_name, theme, staging_of) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            spec.slug, spec.name, schema, spec.theme, parent);
    int64_t id = r.i64(0, 0);
    for (const auto& h : spec.hosts)
        c.q("INSERT INTO network.hosts (host, tenant_id) VALUES ($1, $2)", h, id);
    for (const auto& p : spec.plugins)
        c.q("INSERT INTO network.tenant_plugins (tenant_id, plugin) VALUES ($1, $2)", id, p);
    if (plugins_.loaded() && !spec.plugins.empty()) {
        Tenant created;
        created.id = id;
        created.slug = spec.slug;
        created.name = spec.name;
        created.schema = schema;
        created.staging_of = parent;
        created.plugins.insert(spec.plugins.begin(), spec.plugins.end());
        // Enable hooks are plugin SQL too: they run under the tenant's role.
        if (TenantRoles::ensure(c, schema))
            created.db_role = TenantRoles::roleFor(schema);
        for (const auto& p : spec.plugins)
            plugins.runEnableHooks(c, created, p);
    }
    for (const auto& [k, v] : spec.settings)
        c.q("INSERT INTO network.settings (tenant_id, key, value, updated_by) "
            "VALUES ($1, $2, $3::jsonb, $4)",
            id, k, services_.settings().validate(k, v).dump(), actor);
    auditLog(c, id, actor, "tenant.add", spec.slug, nullptr,
             json{{"name", spec.name}, {"hosts", spec.hosts}, {"theme", spec.theme}});
    c.exec(std::string("NOTIFY ") + kDirectoryChannel);
    tx.commit();
    c.forgetSchema();
    return id;
}

namespace {

bool applyNameAndTheme(db::PgConnection& c, const TenantSummary& existing, const TenantFile& spec,
                       std::optional<int64_t> actor) {
    if (existing.name == spec.name && existing.theme == spec.theme)
        return false;
    c.q("UPDATE network.tenants SET name = $2, theme = $3, updated_at = now() WHERE id = $1",
        existing.id, spec.name, spec.theme);
    auditLog(c, existing.id, actor, "tenant.update", spec.slug,
             json{{"name", existing.name}, {"theme", existing.theme}},
             json{{"name", spec.name}, {"theme", spec.theme}});
    return true;
}

bool applyHosts(db::PgConnection& c, const TenantSummary& existing, const TenantFile& spec,
                std::optional<int64_t> actor) {
    int64_t id = existing.id;
    std::set<std::string> want_hosts(spec.hosts.begin(), spec.hosts.end());
    std::set<std::string> have_hosts(existing.hosts.begin(), existing.hosts.end());
    if (want_hosts == have_hosts)
        return false;
    for (const auto& h : have_hosts)
        if (!want_hosts.count(h))
            c.q("DELETE FROM network.hosts WHERE host = $1", h);
    for (const auto& h : want_hosts) {
        if (have_hosts.count(h))
            continue;
        try {
            c.q("INSERT INTO network.hosts (host, tenant_id) VALUES ($1, $2)", h, id);
        } catch (const db::PgError& e) {
            if (e.uniqueViolation())
                throw Error::conflict("host_taken", "host " + h + " is already served");
            throw;
        }
    }
    auditLog(c, id, actor, "tenant.hosts", spec.slug, existing.hosts, spec.hosts);
    return true;
}

}  // namespace

bool TenantService::applyPlugins(db::PgConnection& c, const TenantSummary& existing,
                                 const TenantFile& spec, std::optional<int64_t> actor) {
    int64_t id = existing.id;
    std::set<std::string> want_plugins(spec.plugins.begin(), spec.plugins.end());
    std::set<std::string> have_plugins(existing.plugins.begin(), existing.plugins.end());
    if (want_plugins == have_plugins)
        return false;
    c.q("UPDATE network.tenant_plugins SET enabled = false, changed_at = now() "
        "WHERE tenant_id = $1",
        id);
    for (const auto& p : want_plugins)
        c.q("INSERT INTO network.tenant_plugins (tenant_id, plugin, enabled) VALUES ($1, $2, "
            "true) ON CONFLICT (tenant_id, plugin) DO UPDATE SET enabled = true, changed_at = "
            "now()",
            id, p);
    auditLog(c, id, actor, "tenant.plugins", spec.slug, existing.plugins, spec.plugins);
    if (plugins_.loaded()) {
        Tenant current;
        current.id = id;
        current.slug = spec.slug;
        current.name = spec.name;
        current.schema = existing.schema;
        current.plugins = want_plugins;
        if (auto t = services_.directory().byId(id))
            current.staging_of = t->staging_of;
        PluginService plugins(services_, plugins_);
        for (const auto& p : want_plugins)
            if (!have_plugins.count(p))
                plugins.runEnableHooks(c, current, p);
    }
    c.q("SELECT pg_notify($1, $2)", std::string(kCacheChannel), std::to_string(id));
    return true;
}

bool TenantService::applySettings(db::PgConnection& c, const TenantSummary& existing,
                                  const TenantFile& spec, std::optional<int64_t> actor) {
    int64_t id = existing.id;
    bool changed = false;
    // Settings are declarative: what the file doesn't name goes back to the default.
    for (const auto& [k, v] : existing.settings) {
        if (!spec.settings.count(k)) {
            c.q("DELETE FROM network.settings WHERE tenant_id = $1 AND key = $2", id, k);
            auditLog(c, id, actor, "setting.inherit", k, v, nullptr);
            changed = true;
        }
    }
    for (const auto& [k, v] : spec.settings) {
        json value = services_.settings().validate(k, v);
        auto it = existing.settings.find(k);
        if (it != existing.settings.end() && it->second == value)
            continue;
        c.q("INSERT INTO network.settings (tenant_id, key, value, updated_by) VALUES ($1, $2, "
            "$3::jsonb, $4) ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, "
            "updated_by = excluded.updated_by, updated_at = now()",
            id, k, value.dump(), actor);
        auditLog(c, id, actor, "setting.set", k,
                 it == existing.settings.end() ? json(nullptr) : it->second, value);
        changed = true;
    }
    return changed;
}

bool TenantService::apply(const TenantFile& spec, std::optional<int64_t> actor) {
    auto existing = show(spec.slug);
    if (!existing) {
        add(spec, actor);
        return true;
    }
    checkHosts(spec);
    validatePlugins(spec);
    validateSettings(spec);
    auto lease = services_.ownerPool().acquire();
    auto& c = *lease;
    // An existing tenant's pending core steps go through `agora migrate apply` (rehearsal gate,
    // lock timeouts, shadow rewrites), never through a tenant file.
    if (plugins_.loaded()) {
        PluginService plugins(services_, plugins_);
        for (const auto& p : spec.plugins)
            plugins.migrate(c, existing->schema, p);
    }
    db::Transaction tx(c);
    // Every phase runs, in this order (no short-circuit): each may change something.
    bool changed = applyNameAndTheme(c, *existing, spec, actor);
    changed = applyHosts(c, *existing, spec, actor) || changed;
    changed = applyPlugins(c, *existing, spec, actor) || changed;
    changed = applySettings(c, *existing, spec, actor) || changed;
    if (changed)
        c.exec(std::string("NOTIFY ") + kDirectoryChannel);
    tx.commit();
    c.forgetSchema();
    return changed;
}

std::vector<TenantSummary> TenantService::list() {
    auto lease = services_.ownerPool().acquire();
    auto& c = *lease;
    auto r = c.q(
        "SELECT t.id, t.slug, t.name, t.schema_name, t.theme, t.status, p.slug AS parent, "
        "  coalesce((SELECT array_to_json(array_agg(host ORDER BY host)) FROM network.hosts h "
        "            WHERE h.tenant_id = t.id), '[]') AS hosts, "
        "  coalesce((SELECT array_to_json(array_agg(plugin ORDER BY plugin)) FROM "
        "            network.tenant_plugins tp WHERE tp.tenant_id = t.id AND tp.enabled), '[]') "
        "            AS plugins, "
        "  coalesce((SELECT json_object_agg(key, value) FROM network.settings s "
        "            WHERE s.tenant_id = t.id), '{}') AS settings, "
        "  (SELECT count(*) FROM network.memberships m WHERE m.tenant_id = t.id) AS members "
        "FROM network.tenants t LEFT JOIN network.tenants p ON p.id = t.staging_of ORDER BY "
        "t.slug");
    std::vector<TenantSummary> out;
    for (int i = 0; i < r.rows(); ++i) {
        TenantSummary s;
        s.id = r.i64(i, "id");
        s.slug = r.str(i, "slug");
        s.name = r.str(i, "name");
        s.schema = r.str(i, "schema_name");
        s.theme = r.str(i, "theme");
        s.status = r.str(i, "status");
        s.staging_of = r.optStr(i, "parent");
        s.hosts = json::parse(r.str(i, "hosts")).get<std::vector<std::string>>();
        s.plugins = json::parse(r.str(i, "plugins")).get<std::vector<std::string>>();
        json settings = json::parse(r.str(i, "settings"));
        for (auto& [k, v] : settings.items())
            s.settings[k] = v;
        s.members = r.i64(i, "members");
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<TenantSummary> TenantService::show(const std::string& slug) {
    for (auto& t : list())
        if (t.slug == slug)
            return t;
    return std::nullopt;
}

TenantFile TenantService::exportFile(const std::string& slug) {
    auto t = show(slug);
    if (!t)
        throw Error::notFound("no tenant " + slug);
    TenantFile f;
    f.slug = t->slug;
    f.name = t->name;
    f.hosts = t->hosts;
    f.theme = t->theme;
    f.plugins = t->plugins;
    f.staging_of = t->staging_of;
    f.settings = t->settings;
    return f;
}

void TenantService::setRole(const std::string& slug, const std::string& username,
                            const std::string& role, std::optional<int64_t> actor) {
    if (role != "admin" && role != "moderator" && role != "member")
        throw Error::invalid("role", "role must be admin, moderator or member");
    auto t = show(slug);
    if (!t)
        throw Error::notFound("no tenant " + slug);
    auto lease = services_.ownerPool().acquire();
    auto& c = *lease;
    db::Transaction tx(c);
    auto acct =
        c.q("SELECT id, username, display_name FROM network.accounts "
            "WHERE lower(username) = lower($1)",
            username);
    if (acct.empty())
        throw Error::notFound("no account " + username);
    int64_t account_id = acct.i64(0, 0);
    c.exec("SET LOCAL search_path TO " + c.quoteIdent(t->schema));
    c.q("INSERT INTO network.memberships (account_id, tenant_id) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING",
        account_id, t->id);
    auto old = c.q("SELECT role FROM members WHERE id = $1", account_id);
    std::string old_role = old.empty() ? "" : old.str(0, 0);
    c.q("INSERT INTO members (id, username, display_name, role) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (id) DO UPDATE SET role = excluded.role",
        account_id, acct.str(0, 1), acct.str(0, 2), role);
    auditLog(c, t->id, actor, "member.role", acct.str(0, 1),
             old_role.empty() ? json(nullptr) : json(old_role), role);
    tx.commit();
    c.forgetSchema();
}

void TenantService::migrateAll(const std::function<void(const std::string&)>& progress) {
    for (const auto& t : list()) {
        auto lease = services_.ownerPool().acquire();
        // Core's steps, then those of the plugins this tenant enabled.
        std::set<std::string> enabled(t.plugins.begin(), t.plugins.end());
        migrate::Migrator::apply(*lease, t.schema,
                                 tenantStepsWith(services_.tenantSteps(), plugins_, enabled),
                                 [&](const std::string& s) {
                                     if (progress)
                                         progress(t.slug + ": " + s);
                                 });
    }
}

}  // namespace agora
