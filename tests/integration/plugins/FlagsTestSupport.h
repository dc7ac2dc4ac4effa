#pragma once

#include <map>
#include <string>

#include "ContentTestSupport.h"
#include "plugins/AbilitiesTestSupport.h"

namespace agora::test {

// Shared by the flags tests: tenants with the abilities and flags plugins, posts and comments
// to flag, and reads of the plugin's tables.
class FlagsTest : public AbilitiesTest {
protected:
    // A tenant with both plugins; members may post freely (the flag limits stay as they are
    // unless `settings` changes them).
    TestTenant flagsTenant(const std::string& prefix, std::map<std::string, json> settings = {}) {
        return server().createTenant(prefix, [&](TenantFile& f) {
            f.plugins = {"abilities", "flags"};
            roomyLimits(f);
            for (auto& [k, v] : settings)
                f.settings[k] = v;
        });
    }

    static std::string path(const std::string& kind, int64_t id, const std::string& rest = "") {
        return "/api/v1/" + kind + "/" + std::to_string(id) + rest;
    }

    int64_t comment(HttpClient& api, int64_t post) {
        auto r = api.post(path("posts", post, "/comments"),
                          {{"body", unique("This answer skips the proofing step entirely.")}});
        EXPECT_EQ(r.status, 201) << r;
        return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
    }

    static HttpResult flagPost(HttpClient api, int64_t post, const json& type,
                               const std::string& reason = "") {
        json body = {{"type", type}};
        if (!reason.empty())
            body["reason"] = reason;
        return api.post(path("posts", post, "/flags"), body);
    }
    static HttpResult flagComment(HttpClient api, int64_t c, const json& type,
                                  const std::string& reason = "") {
        json body = {{"type", type}};
        if (!reason.empty())
            body["reason"] = reason;
        return api.post(path("comments", c, "/flags"), body);
    }
    // Flags a post and returns the new flag's id (asserting 201).
    static int64_t flagId(HttpClient& api, int64_t post, const json& type = "spam",
                          const std::string& reason = "") {
        auto r = flagPost(api, post, type, reason);
        EXPECT_EQ(r.status, 201) << r;
        return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
    }
    static HttpResult resolve(HttpClient api, int64_t flag, const std::string& result,
                              const std::string& message = "") {
        json body = {{"result", result}};
        if (!message.empty())
            body["message"] = message;
        return api.post(path("flags", flag, "/resolve"), body);
    }

    int64_t flags(const TestTenant& t) {
        return server().scalar("SELECT count(*) FROM " + t.schema + ".flags");
    }
    std::string flagStatus(const TestTenant& t, int64_t flag) {
        return server().text("SELECT status FROM " + t.schema + ".flags WHERE id = $1", flag);
    }
    int64_t notifications(const TestTenant& t, int64_t member, const std::string& kind) {
        return server().scalar("SELECT count(*) FROM " + t.schema +
                                   ".notifications WHERE member_id = $1 AND kind = $2",
                               member, kind);
    }
    int64_t counter(const TestTenant& t, int64_t member, const std::string& column) {
        return server().scalar(
            "SELECT " + column + " FROM " + t.schema + ".ability_counters WHERE member_id = $1",
            member);
    }
    int64_t typeId(const TestTenant& t, const std::string& name) {
        return server().scalar("SELECT id FROM " + t.schema + ".flag_types WHERE name = $1", name);
    }

    // A moderator grants flag_curate through the abilities plugin's endpoint.
    static void grantCurate(HttpClient& mod, int64_t member) {
        auto r = mod.post(path("users", member, "/abilities/flag_curate/grant"));
        ASSERT_EQ(r.status, 200) << r;
    }

    // Ids of the items of a flag list.
    static std::vector<int64_t> ids(const HttpResult& r) {
        std::vector<int64_t> out;
        EXPECT_EQ(r.status, 200) << r;
        if (r.status != 200)
            return out;
        auto body = r.json();
        for (const auto& item : body["items"])
            out.push_back(item["id"].get<int64_t>());
        return out;
    }
};

}  // namespace agora::test
