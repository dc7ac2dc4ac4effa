#include "web/NetworkRoutes.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace agora {

using json = nlohmann::json;

bool handleNetworkRoute(Services& app, const HttpRequest& req, HttpResponse& res,
                        std::string& route_name) {
    if (req.path == "/healthz") {
        route_name = "/healthz";
        json checks;
        bool pg_ok = false;
        try {
            auto lease = app.pool().acquire();
            lease->exec("SELECT 1");
            pg_ok = true;
        } catch (const std::exception& e) {
            // Logged, not shown: the reason names hosts, ports and roles.
            spdlog::warn("/healthz: PostgreSQL check failed: {}", e.what());
        }
        bool redis_ok = app.redis().available();
        checks["postgresql"] = pg_ok ? "ok" : "down";
        checks["redis"] = redis_ok ? "ok" : "down";
        // Redis down degrades (slower), PostgreSQL down is an outage.
        checks["status"] = pg_ok ? (redis_ok ? "ok" : "degraded") : "down";
        res.status = pg_ok ? 200 : 503;
        res.content_type = "application/json";
        res.body = checks.dump();
        return true;
    }
    if (req.path == "/metrics") {
        route_name = "/metrics";
        // Labels name every tenant: only the clients on the explicit allow-list may read them.
        // `remote` comes from X-Forwarded-For only when the peer is a configured trusted proxy,
        // so no header a visitor sends can put them on the list.
        if (!app.config().metrics_allow.contains(req.remote)) {
            res.status = 404;
            res.content_type = "text/plain; charset=utf-8";
            res.body = "no community is served at this address\n";
            return true;
        }
        auto& pool = app.pool();
        auto& redis = app.redis();
        std::map<std::string, double> gauges = {
            {"agora_db_pool_open", static_cast<double>(pool.openCount())},
            {"agora_db_pool_max", static_cast<double>(pool.maxSize())},
            {"agora_db_pool_waits_total", static_cast<double>(pool.waits())},
            {"agora_cache_hits_total", static_cast<double>(redis.hits())},
            {"agora_cache_misses_total", static_cast<double>(redis.misses())},
            {"agora_cache_errors_total", static_cast<double>(redis.errors())},
            {"agora_tenants", static_cast<double>(app.directory().all().size())},
            {"agora_page_cache_hits_total", static_cast<double>(app.pageCache().hits())},
            {"agora_page_cache_misses_total", static_cast<double>(app.pageCache().misses())},
            {"agora_page_cache_bytes", static_cast<double>(app.pageCache().bytes())},
        };
        try {
            // The outbox, so an alert can fire on mail piling up (SMTP down) or failing.
            auto conn = pool.acquire();
            auto r = conn->exec(
                "SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE "
                "status = 'queued' AND next_attempt_at <= now()), count(*) FILTER (WHERE "
                "status = 'failed') FROM network.mail_outbox WHERE status <> 'sent'");
            gauges["agora_mail_queued"] = static_cast<double>(r.i64(0, 0));
            gauges["agora_mail_due"] = static_cast<double>(r.i64(0, 1));
            gauges["agora_mail_failed"] = static_cast<double>(r.i64(0, 2));
        } catch (const std::exception& e) {
            spdlog::warn("/metrics: cannot count the mail outbox: {}", e.what());
        }
        res.status = 200;
        res.content_type = "text/plain; version=0.0.4";
        res.body = app.metrics().prometheus(gauges);
        return true;
    }
    return false;
}

}  // namespace agora
