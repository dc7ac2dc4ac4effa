// The cache services: Redis, signed, with keys inside the calling tenant's hash tag.
#include "plugins/HostServices.h"

#include <spdlog/spdlog.h>

#include "plugins/CacheSigning.h"
#include "services/Services.h"

namespace agora::hostapi {

namespace {

// Keys carry the tenant's hash tag: a plugin can't read or clobber another tenant's entries,
// and a tenant's keys stay on one Redis Cluster node.
bool tenantKey(AgoraCall& c, const char* key) {
    if (!key || !*key) {
        c.last_error = "cache key missing";
        return false;
    }
    if (std::string(key).find("{" + c.tenant().slug + "}") == std::string::npos) {
        c.last_error =
            std::string("cache key \"") + key + "\" must contain \"{" + c.tenant().slug + "}\"";
        return false;
    }
    return true;
}

int unavailable(AgoraCall& c) {
    c.last_error = "Redis is unavailable";
    return AGORA_ERR_UNAVAILABLE;
}

// A stored value whose signature fails is a miss: Redis is not trusted with what plugins cache.
std::optional<std::string> openSigned(AgoraCall& c, const std::string& key,
                                      const std::string& stored) {
    auto value = CacheSigning::open(c.app.cacheKey(), key, stored);
    if (!value)
        spdlog::warn("plugin {}: cache value under {} has no valid signature; ignored",
                     c.plugin.name, key);
    return value;
}

}  // namespace

int cacheGet(AgoraCall* call, const char* key, const char** value, size_t* value_len) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key) || !value)
            return AGORA_ERR_INVALID;
        auto r = c.app.redis().command({"GET", key});
        if (!r.ok)
            return unavailable(c);
        if (r.nil)
            return AGORA_ERR_NOT_FOUND;
        auto opened = openSigned(c, key, r.str);
        if (!opened)
            return AGORA_ERR_NOT_FOUND;
        c.result = std::move(*opened);
        *value = c.result.c_str();
        if (value_len)
            *value_len = c.result.size();
        return AGORA_OK;
    });
}

int cacheMget(AgoraCall* call, const char* keys_json, const char** values_json) {
    return service(call, [&](AgoraCall& c) {
        json keys = json::parse(keys_json ? keys_json : "null");
        if (!keys.is_array() || keys.empty() || !values_json)
            return invalid(c, "cache_mget needs a non-empty JSON array of keys");
        std::vector<std::string> argv = {"MGET"};
        for (const auto& k : keys) {
            if (!k.is_string() || !tenantKey(c, k.get<std::string>().c_str()))
                return AGORA_ERR_INVALID;
            argv.push_back(k.get<std::string>());
        }
        auto r = c.app.redis().command(argv);
        if (!r.ok)
            return unavailable(c);
        json out = json::array();
        for (size_t i = 0; i < r.elements.size(); ++i) {
            const auto& e = r.elements[i];
            auto opened = e ? openSigned(c, argv[i + 1], *e) : std::nullopt;
            out.push_back(opened ? json(*opened) : json(nullptr));
        }
        c.result = out.dump(-1, ' ', false, json::error_handler_t::replace);
        *values_json = c.result.c_str();
        return AGORA_OK;
    });
}

int cacheSet(AgoraCall* call, const char* key, const char* value, size_t value_len,
             int32_t ttl_seconds) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key) || !value)
            return AGORA_ERR_INVALID;
        std::vector<std::string> argv = {
            "SET", key,
            CacheSigning::sign(c.app.cacheKey(), key, std::string_view(value, value_len))};
        if (ttl_seconds > 0) {
            argv.push_back("EX");
            argv.push_back(std::to_string(ttl_seconds));
        }
        return c.app.redis().command(argv).ok ? AGORA_OK : unavailable(c);
    });
}

int cacheDel(AgoraCall* call, const char* key) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key))
            return AGORA_ERR_INVALID;
        return c.app.redis().del(key) ? AGORA_OK : unavailable(c);
    });
}

int cacheIncr(AgoraCall* call, const char* key, int64_t* value) {
    return service(call, [&](AgoraCall& c) {
        if (!tenantKey(c, key))
            return AGORA_ERR_INVALID;
        auto r = c.app.redis().command({"INCR", key});
        if (!r.ok)
            return unavailable(c);
        if (value)
            *value = r.integer;
        return AGORA_OK;
    });
}

}  // namespace agora::hostapi
