#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "accounts/TenantSession.h"
#include "accounts/Viewer.h"
#include "db/PgPool.h"
#include "http/HttpRequest.h"
#include "services/Services.h"
#include "settings/TenantSettings.h"
#include "tenancy/Tenant.h"

namespace agora {

using json = nlohmann::json;

// Everything one request needs, built by the dispatcher. The database connection and the
// viewer are fetched lazily so routes that don't need them (static files, /healthz) never pay.
class RequestContext {
public:
    RequestContext(Services& services, const HttpRequest& req, HttpResponse& res,
                   std::shared_ptr<const Tenant> tenant, std::string request_id);
    ~RequestContext();

    Services& services() { return app_; }
    const HttpRequest& req() const { return req_; }
    HttpResponse& res() { return res_; }
    const Tenant& tenant() const { return session_.tenant(); }
    std::shared_ptr<const Tenant> tenantPtr() const { return session_.tenantPtr(); }
    bool hasTenant() const { return session_.hasTenant(); }
    TenantSettings settings() const { return session_.settings(); }
    // The tenant, connection and viewer this request acts with: what domain services take.
    TenantSession& session() { return session_; }
    const std::string& requestId() const { return request_id_; }
    bool isApi() const { return req_.path.rfind("/api/", 0) == 0; }

    // Runs a route's handler. A serialization failure or deadlock (SQLSTATE 40001, 40P01) runs
    // it again, up to kAttempts in all, while the request has committed nothing: its one
    // transaction rolled back whole, so the same request simply meets newer data. Past that,
    // or after a commit, the error stands (409 "retry").
    static constexpr int kAttempts = 3;
    void run(const std::function<void(RequestContext&)>& handler);
    int attempts() const { return attempts_; }

    std::map<std::string, std::string>& params() { return params_; }
    std::string param(const std::string& name) const;
    // A numeric path parameter; 404 when it isn't a positive number.
    int64_t idParam(const std::string& name) const;

    // This tenant's connection (search_path = tenant schema).
    db::PgConnection& db() { return session_.db(); }
    bool dbUsed() const { return session_.dbUsed(); }
    // SQL statements this request issued (pages must not grow them with thread size).
    uint64_t statementsIssued() const { return session_.statementsIssued(); }

    // Resolved from the session cookie or a bearer token on first use.
    const Viewer& viewer() { return session_.viewer(); }
    const Viewer& requireViewer() { return session_.requireViewer(); }  // 401 when anonymous
    void setViewer(Viewer v) { session_.setViewer(std::move(v)); }

    // Request body as JSON (API) — 400 when malformed or nested deeper than 64 levels, 422
    // naming the field when a string holds a control character (InputChecks.h); 413 over the
    // size limit is enforced by the server before handlers run.
    const json& body();
    // Request body as a form (pages), with the same checks: UTF-8, no control characters.
    const std::map<std::string, std::string>& form();
    bool isForm() const;
    // Reads the body the way its content type says, so its checks run before a handler that
    // reads the raw bytes itself (a plugin route) sees it.
    void checkBody();
    // One input regardless of encoding: JSON field or form field.
    std::optional<std::string> input(const std::string& name);

    std::string csrfToken();
    // An anonymous page that may be cached for every anonymous reader: no per-visitor token.
    void markShared() { shared_page_ = true; }
    bool sharedPage() const { return shared_page_; }
    // Refuses a state-changing request that carries ambient credentials (cookies) or comes from
    // a form without the matching token.
    void checkCsrf();

    void sendJson(int status, const json& body);
    void redirect(const std::string& location, int status = 303);
    // Renders a theme page (template + layout) with `data`.
    void render(const std::string& templ, json data, int status = 200);
    void setCookie(const std::string& name, const std::string& value, int max_age_seconds);
    void flash(const std::string& message);

private:
    Viewer resolveViewer(TenantSession& session);

    Services& app_;
    const HttpRequest& req_;
    HttpResponse& res_;
    TenantSession session_;
    std::string request_id_;
    std::map<std::string, std::string> params_;
    std::optional<json> body_;
    std::optional<std::map<std::string, std::string>> form_;
    std::string anon_seed_;
    bool shared_page_ = false;
    int attempts_ = 0;
};

}  // namespace agora
