#include "http/Dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "http/RequestContext.h"
#include "http/Router.h"
#include "util/Error.h"

namespace agora {

namespace {

std::string nextRequestId() {
    static std::atomic<uint64_t> counter{0};
    static const uint64_t boot =
        static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) &
        0xfffff;
    char buf[32];
    snprintf(buf, sizeof buf, "%05lx-%06lx", static_cast<unsigned long>(boot),
             static_cast<unsigned long>(++counter));
    return buf;
}

bool wantsJson(const HttpRequest& req) {
    return req.path.rfind("/api/", 0) == 0 ||
           req.header("accept").find("application/json") != std::string::npos;
}

void writeError(RequestContext* ctx, const HttpRequest& req, HttpResponse& res, int status,
                const std::string& code, const std::string& message, const std::string& field) {
    res.headers.erase(std::remove_if(res.headers.begin(), res.headers.end(),
                                     [](const auto& h) { return h.first == "Location"; }),
                      res.headers.end());
    res.status = status;
    if (wantsJson(req) || !ctx || !ctx->hasTenant()) {
        json err = {{"code", code}, {"message", message}};
        if (!field.empty())
            err["field"] = field;
        if (wantsJson(req)) {
            res.content_type = "application/json";
            // Messages may quote input: never let invalid UTF-8 turn an error into a 500.
            res.body = json{{"error", err}}.dump(-1, ' ', false, json::error_handler_t::replace);
        } else {
            res.content_type = "text/plain; charset=utf-8";
            res.body = message + "\n";
        }
        return;
    }
    try {
        json data = {{"title", "Error " + std::to_string(status)},
                     {"status", status},
                     {"code", code},
                     {"message", message},
                     {"login_needed", status == 401}};
        ctx->render("error", data, status);
    } catch (const std::exception&) {
        res.content_type = "text/plain; charset=utf-8";
        res.body = message + "\n";
    }
}

}  // namespace

void Dispatcher::serveTenant(const HttpRequest& req, HttpResponse& res,
                             const std::string& request_id, std::string& route_name,
                             std::string& tenant_slug, std::unique_ptr<RequestContext>& ctx) {
    auto tenant = app_.directory().byHost(req.host);
    if (!tenant) {
        // Says nothing about which communities exist.
        throw Error::notFound("no community is served at this address");
    }
    tenant_slug = tenant->slug;
    ctx = std::make_unique<RequestContext>(app_, req, res, tenant, request_id);
    auto match = router_.match(req.method, req.path,
                               [&](const std::string& p) { return tenant->pluginEnabled(p); });
    if (!match.route) {
        if (match.method_mismatch)
            throw Error(ErrorCode::MethodNotAllowed, "method_not_allowed",
                        req.method + " is not allowed here");
        throw Error::notFound("no page at " + req.raw_path);
    }
    route_name = match.route->pattern;
    ctx->params() = std::move(match.params);
    if (tenant->isStaging() && req.path.rfind("/static/", 0) != 0 && req.path != "/login" &&
        req.path != "/api/v1/session") {
        // A staging copy holds production data: admins and staff only.
        const auto& v = ctx->viewer();
        if (!v.signedIn())
            throw Error::unauthorized("staging is open to admins only");
        if (!v.isAdmin())
            throw Error::forbidden("staging_admins_only",
                                   "staging is open to this community's admins only");
    }
    // A bearer token is checked on every route, even ones that read nothing about the
    // viewer: a token from another tenant is a 401, never silently anonymous.
    if (!req.header("authorization").empty())
        ctx->viewer();
    if (req.method != "GET" && req.method != "HEAD")
        ctx->checkCsrf();
    ctx->run(match.route->handler);
}

void Dispatcher::dispatch(const HttpRequest& req, HttpResponse& res) {
    auto start = std::chrono::steady_clock::now();
    std::string route_name = "unmatched";
    std::string tenant_slug;
    std::string request_id = nextRequestId();
    res.header("X-Request-Id", request_id);
    std::unique_ptr<RequestContext> ctx;
    try {
        // /healthz, /metrics: answer for any host, reveal no tenant.
        if (!router_.handleNetwork(req, res, route_name))
            serveTenant(req, res, request_id, route_name, tenant_slug, ctx);
    } catch (const Error& e) {
        int status = httpStatusFor(e.kind());
        if (status >= 500)
            spdlog::error("[{}] [{}] {} {}: {}", tenant_slug, request_id, req.method, req.raw_path,
                          e.what());
        // A 5xx from the infrastructure says nothing of hosts, roles or queries (the detail
        // went to the log above); a 503 a feature chose to give, under its own code (e.g. an
        // unfinished re-evaluation), keeps its message for the admin who must act on it.
        bool infrastructure = e.code() == "unavailable" || e.code() == "database_unavailable";
        std::string message = status == 503 && infrastructure
                                  ? "temporarily unavailable; try again shortly"
                              : status >= 500 && status != 503 ? "internal error"
                                                               : e.what();
        writeError(ctx.get(), req, res, status, e.code(), message, e.field());
        if (e.retryAfterSeconds() > 0)
            res.header("Retry-After", std::to_string(e.retryAfterSeconds()));
        else if (status == 503)
            res.header("Retry-After", "1");
    } catch (const std::exception& e) {
        spdlog::error("[{}] [{}] {} {}: {}", tenant_slug, request_id, req.method, req.raw_path,
                      e.what());
        writeError(ctx.get(), req, res, 500, "internal", "internal error", "");
    } catch (...) {
        spdlog::error("[{}] [{}] {} {}: unknown exception", tenant_slug, request_id, req.method,
                      req.raw_path);
        writeError(ctx.get(), req, res, 500, "internal", "internal error", "");
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t statements = ctx ? ctx->statementsIssued() : 0;
    if (statements)
        res.header("X-Statements", std::to_string(statements));
    app_.metrics().observe(route_name, tenant_slug, res.status, seconds, statements);
    if (req.method == "HEAD")
        res.body.clear();
}

}  // namespace agora
