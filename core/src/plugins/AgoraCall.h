#pragma once

#include <memory>
#include <optional>
#include <string>

#include "accounts/Viewer.h"
#include "db/PgConnection.h"
#include "tenancy/Tenant.h"
#include "util/Error.h"

namespace agora {
class Services;
class RequestContext;
struct LoadedPlugin;
}  // namespace agora

// One plugin callback invocation as the host services see it (`AgoraCall*` in
// agora/plugin_api.h): the tenant, the database connection and — for requests — the request it
// serves. Lives on the host's stack for exactly one callback and is used only by that thread.
struct AgoraCall {
    // Badge: a header badge's count, read only — it may query and check abilities, never
    // respond, open transactions or write through the host.
    enum class Kind { Request, Event, Resolver, EnableHook, Badge };

    AgoraCall(agora::Services& app, agora::LoadedPlugin& plugin, Kind kind,
              const agora::Tenant& tenant)
        : app(app), plugin(plugin), kind(kind), tenant_(&tenant) {}
    AgoraCall(const AgoraCall&) = delete;
    AgoraCall& operator=(const AgoraCall&) = delete;

    agora::Services& app;
    agora::LoadedPlugin& plugin;
    const Kind kind;
    agora::RequestContext* ctx = nullptr;     // requests only
    agora::db::PgConnection* conn = nullptr;  // everything but requests (those use ctx->db())
    const agora::Viewer* viewer = nullptr;    // requests and resolver questions

    // A transaction the plugin opened with db_begin; rolled back when the call ends without
    // a commit (the optional is reset by the host before it looks at the outcome).
    std::optional<agora::db::Transaction> tx;
    // Set by `fail`: the request ends with this error once the callback returns.
    std::optional<agora::Error> failure;
    // A serialization failure or deadlock one of its statements met: a route that then fails
    // is re-run by the host like a core route (RequestContext::run), not answered 500.
    std::optional<agora::db::PgError> retryable;
    bool responded = false;

    // Out-parameter storage: valid until the next service call on this call (ABI rule).
    std::string result;
    std::string last_error;

    const agora::Tenant& tenant() const { return *tenant_; }
    // After set_settings the call continues with the directory's new snapshot.
    void refreshTenant(std::shared_ptr<const agora::Tenant> t) {
        if (!t)
            return;
        refreshed_ = std::move(t);
        tenant_ = refreshed_.get();
    }
    agora::db::PgConnection& db();
    bool inTransaction();

private:
    const agora::Tenant* tenant_;
    std::shared_ptr<const agora::Tenant> refreshed_;
};
