#include "accounts/TenantSession.h"

#include "util/Error.h"

namespace agora {

TenantSession::TenantSession(db::PgPool& pool, const SettingsRegistry& settings,
                             std::shared_ptr<const Tenant> tenant)
    : pool_(pool), settings_(settings), tenant_(std::move(tenant)) {}

TenantSession::~TenantSession() = default;

db::PgConnection& TenantSession::db() {
    if (!lease_) {
        lease_.emplace(pool_.acquire());
        statements_at_lease_ = (*lease_)->statementCount();
        commits_at_lease_ = (*lease_)->commitCount();
        if (tenant_)
            (*lease_)->useSchema(tenant_->schema);
    }
    return lease_->get();
}

uint64_t TenantSession::statementsIssued() const {
    if (!lease_)
        return 0;
    return const_cast<db::PgLease&>(*lease_)->statementCount() - statements_at_lease_;
}

uint64_t TenantSession::commitsIssued() const {
    if (!lease_)
        return 0;
    return const_cast<db::PgLease&>(*lease_)->commitCount() - commits_at_lease_;
}

const Viewer& TenantSession::viewer() {
    if (viewer_resolved_)
        return viewer_;
    viewer_resolved_ = true;
    if (tenant_ && resolve_)
        viewer_ = resolve_(*this);
    return viewer_;
}

const Viewer& TenantSession::requireViewer() {
    const auto& v = viewer();
    if (!v.signedIn())
        throw Error::unauthorized();
    return v;
}

void TenantSession::setViewer(Viewer v) {
    viewer_ = std::move(v);
    viewer_resolved_ = true;
}

void TenantSession::setViewerResolver(std::function<Viewer(TenantSession&)> resolve) {
    resolve_ = std::move(resolve);
    viewer_resolved_ = false;
}

}  // namespace agora
