// agora_bench_abilities — latency figures for `ops/bench abilities`, each printed as one line
// "label|samples|p50_us|p99_us" so the script can lay them out next to their goals.
//
//   agora_bench_abilities checks --tenant SLUG --member ID [--samples N]
//       In this process, against the configured PostgreSQL and Redis with the plugins loaded
//       (AGORA_PLUGIN_DIR): a Redis GET round trip and a cached ability check, interleaved in
//       one loop so both see the same machine at the same moment; then an uncached check (the
//       member's cache entry deleted, untimed, before each timed check).
//   agora_bench_abilities votes --port P --host H --token T --post ID [--samples N]
//       Over HTTP on one keep-alive connection: POST /api/v1/posts/ID/vote, alternating +1 and
//       -1 (changes of mind, so the new-vote rate limit never applies), each request timed.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <nlohmann/json.hpp>

#include "app/App.h"
#include "content/PermissionService.h"
#include "plugins/CacheSigning.h"
#include "tenancy/Directory.h"
#include "util/Config.h"

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::micro>(b - a).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

void report(const std::string& label, const std::vector<double>& us) {
    std::printf("%s|%zu|%.1f|%.1f\n", label.c_str(), us.size(), percentile(us, 0.50),
                percentile(us, 0.99));
    std::fflush(stdout);
}

std::map<std::string, std::string> options(int argc, char** argv) {
    std::map<std::string, std::string> o;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k.rfind("--", 0) != 0)
            throw std::runtime_error("unexpected argument " + k);
        o[k.substr(2)] = argv[i + 1];
    }
    return o;
}

std::string need(const std::map<std::string, std::string>& o, const std::string& k) {
    auto it = o.find(k);
    if (it == o.end())
        throw std::runtime_error("--" + k + " is required");
    return it->second;
}

int checks(const std::map<std::string, std::string>& o) {
    const std::string slug = need(o, "tenant");
    const int64_t member = std::stoll(need(o, "member"));
    const int samples = o.count("samples") ? std::stoi(o.at("samples")) : 20000;
    const std::string ability = o.count("ability") ? o.at("ability") : "edit_posts";

    agora::App app(agora::Config::load(), 4);
    app.loadPlugins();
    app.directory().reload();
    auto tenant = app.directory().bySlug(slug);
    if (!tenant)
        throw std::runtime_error("no tenant " + slug);
    if (!tenant->pluginEnabled("abilities"))
        throw std::runtime_error("the abilities plugin is not enabled on " + slug);
    auto lease = app.pool().acquire();
    lease->useSchema(tenant->schema);
    auto& redis = app.redis();
    if (!redis.available())
        throw std::runtime_error("Redis is not available");
    const std::string probe_key = "bench:abilities:probe";
    redis.set(probe_key, std::string(200, 'x'), 600);  // about the size of a grant entry
    const std::string entry_key = "ab:{" + slug + "}:" + std::to_string(member);

    auto check = [&] {
        agora::Viewer v;  // fresh per check: the per-request memo never answers
        v.account_id = member;
        v.role = agora::Role::Member;
        return app.permissions().ability(*lease, *tenant, v, ability);
    };

    // Warm up: connections, prepared statements, the member's cache entry.
    for (int i = 0; i < 500; ++i) {
        redis.get(probe_key);
        check();
    }
    auto entry = redis.get(entry_key);
    if (!entry)
        throw std::runtime_error("no cache entry " + entry_key + " after a check: not cached?");
    // A field the plugin ignores: if it is still there after the loop, no check rewrote the
    // entry, so every timed check was a hit.
    // Entries are signed (CacheSigning): open, mark, and sign again as the host would.
    auto opened = agora::CacheSigning::open(app.cacheKey(), entry_key, *entry);
    if (!opened)
        throw std::runtime_error("cache entry " + entry_key + " is not signed by this network");
    auto marked = nlohmann::json::parse(*opened);
    marked["bench_marker"] = true;
    redis.set(entry_key, agora::CacheSigning::sign(app.cacheKey(), entry_key, marked.dump()), 3600);

    std::vector<double> get_us, hit_us, miss_us;
    get_us.reserve(samples);
    hit_us.reserve(samples);
    for (int i = 0; i < samples; ++i) {
        auto t0 = Clock::now();
        auto got = redis.get(probe_key);
        auto t1 = Clock::now();
        check();
        auto t2 = Clock::now();
        if (!got)
            throw std::runtime_error("Redis GET missed the probe key");
        get_us.push_back(micros(t0, t1));
        hit_us.push_back(micros(t1, t2));
    }
    auto after = redis.get(entry_key);
    auto after_value =
        after ? agora::CacheSigning::open(app.cacheKey(), entry_key, *after) : std::nullopt;
    if (!after_value || !nlohmann::json::parse(*after_value).value("bench_marker", false))
        throw std::runtime_error(
            "the cache entry was rewritten during the cached loop: some "
            "checks missed the cache");

    const int miss_samples = std::max(1, samples / 4);
    miss_us.reserve(miss_samples);
    for (int i = 0; i < miss_samples; ++i) {
        redis.del(entry_key);
        auto t0 = Clock::now();
        check();
        auto t1 = Clock::now();
        miss_us.push_back(micros(t0, t1));
    }
    redis.del(probe_key);
    report("redis_get", get_us);
    report("check_cached", hit_us);
    report("check_uncached", miss_us);
    return 0;
}

int votes(const std::map<std::string, std::string>& o) {
    const int port = std::stoi(need(o, "port"));
    const std::string host = need(o, "host");
    const std::string token = need(o, "token");
    const std::string post = need(o, "post");
    const int samples = o.count("samples") ? std::stoi(o.at("samples")) : 2000;
    const std::string label = o.count("label") ? o.at("label") : "vote";

    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setKeepAlive(true);
    auto send = [&](int value) {
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST,
                                   "/api/v1/posts/" + post + "/vote",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        req.setHost(host);
        req.setKeepAlive(true);
        req.set("Authorization", "Bearer " + token);
        req.setContentType("application/json");
        std::string body = "{\"value\":" + std::to_string(value) + "}";
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(req) << body;
        Poco::Net::HTTPResponse res;
        std::string out;
        Poco::StreamCopier::copyToString(session.receiveResponse(res), out);
        if (res.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
            throw std::runtime_error("vote answered " + std::to_string(res.getStatus()) + ": " +
                                     out);
    };
    // The first vote is a new one (rate-limited, cast once, untimed); the rest are changes.
    int value = 1;
    for (int i = 0; i < 200; ++i, value = -value)
        send(value);
    std::vector<double> us;
    us.reserve(samples);
    for (int i = 0; i < samples; ++i, value = -value) {
        auto t0 = Clock::now();
        send(value);
        us.push_back(micros(t0, Clock::now()));
    }
    report(label, us);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    try {
        if (mode == "checks")
            return checks(options(argc, argv));
        if (mode == "votes")
            return votes(options(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << "agora_bench_abilities " << mode << ": " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: agora_bench_abilities checks --tenant SLUG --member ID [--samples N]\n"
                 "       agora_bench_abilities votes --port P --host H --token T --post ID "
                 "[--samples N] [--label L]\n";
    return 2;
}
