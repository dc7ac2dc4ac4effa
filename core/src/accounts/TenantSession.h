#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "accounts/Viewer.h"
#include "db/PgPool.h"
#include "settings/TenantSettings.h"
#include "tenancy/Tenant.h"

namespace agora {

class SettingsRegistry;

// One actor's unit of work in one community: the tenant, a connection leased on first use
// with the tenant's schema on its search path, and the viewer (who acts). Whoever serves the
// work owns one: the request layer per request, a plugin call through its request, the CLI
// and background jobs directly. Domain services take this, never an HTTP request.
class TenantSession {
public:
    // `tenant` may be null for work outside any community (network pages): then db() has no
    // tenant schema and the viewer is anonymous.
    TenantSession(db::PgPool& pool, const SettingsRegistry& settings,
                  std::shared_ptr<const Tenant> tenant);
    ~TenantSession();
    TenantSession(const TenantSession&) = delete;
    TenantSession& operator=(const TenantSession&) = delete;

    const Tenant& tenant() const { return *tenant_; }
    std::shared_ptr<const Tenant> tenantPtr() const { return tenant_; }
    bool hasTenant() const { return tenant_ != nullptr; }
    TenantSettings settings() const { return TenantSettings(settings_, *tenant_); }

    // This tenant's connection (search_path = tenant schema), leased on first use.
    db::PgConnection& db();
    bool dbUsed() const { return lease_.has_value(); }
    // Statements and commits issued since the lease was taken.
    uint64_t statementsIssued() const;
    uint64_t commitsIssued() const;

    // The viewer: set by the owner, or resolved on first use by the resolver it installed
    // (the request layer reads a cookie or a bearer token). Anonymous otherwise.
    const Viewer& viewer();
    const Viewer& requireViewer();  // 401 when anonymous
    void setViewer(Viewer v);
    void setViewerResolver(std::function<Viewer(TenantSession&)> resolve);

    // The actor's network address, for per-address limits; empty outside a request.
    const std::string& address() const { return address_; }
    void setAddress(std::string address) { address_ = std::move(address); }

private:
    db::PgPool& pool_;
    const SettingsRegistry& settings_;
    std::shared_ptr<const Tenant> tenant_;
    std::optional<db::PgLease> lease_;
    uint64_t statements_at_lease_ = 0;
    uint64_t commits_at_lease_ = 0;
    Viewer viewer_;
    bool viewer_resolved_ = false;
    std::function<Viewer(TenantSession&)> resolve_;
    std::string address_;
};

}  // namespace agora
