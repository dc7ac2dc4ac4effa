#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/PgConnection.h"
#include "services/Services.h"
#include "tenancy/TenantFile.h"

namespace agora {

class PluginHost;

struct TenantSummary {
    int64_t id;
    std::string slug, name, schema, theme, status;
    std::vector<std::string> hosts;
    std::vector<std::string> plugins;
    std::optional<std::string> staging_of;
    std::map<std::string, json> settings;
    int64_t members = 0;
};

// Creating and changing communities. Every change commits together with a NOTIFY so every
// running server's directory picks it up within a second.
class TenantService {
public:
    TenantService(Services& services, PluginHost& plugins)
        : services_(services), plugins_(plugins) {}

    // Creates schema + migrations + directory rows. Fails if the slug or a host is taken.
    int64_t add(const TenantFile& spec, std::optional<int64_t> actor = std::nullopt);
    // Creates or updates to match the file exactly (hosts, plugins, settings). Idempotent.
    // Returns true when something changed.
    bool apply(const TenantFile& spec, std::optional<int64_t> actor = std::nullopt);
    std::vector<TenantSummary> list();
    std::optional<TenantSummary> show(const std::string& slug);
    TenantFile exportFile(const std::string& slug);

    // Sets a member's role in a tenant (by username); audit-logged.
    void setRole(const std::string& slug, const std::string& username, const std::string& role,
                 std::optional<int64_t> actor = std::nullopt);

    // Brings every tenant schema up to date with core's steps.
    void migrateAll(const std::function<void(const std::string&)>& progress = {});

private:
    void validateSettings(const TenantFile& spec);
    void validatePlugins(const TenantFile& spec);
    // apply()'s phases on an existing tenant, inside its transaction; true when they changed
    // something.
    bool applyPlugins(db::PgConnection& c, const TenantSummary& existing, const TenantFile& spec,
                      std::optional<int64_t> actor);
    bool applySettings(db::PgConnection& c, const TenantSummary& existing, const TenantFile& spec,
                       std::optional<int64_t> actor);
    Services& services_;
    PluginHost& plugins_;
};

}  // namespace agora
