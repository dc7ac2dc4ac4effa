#pragma once

#include <string>
#include <vector>

#include "content/EventBus.h"
#include "db/PgConnection.h"
#include "support/IntegrationTest.h"

namespace agora::test {

// Shared by the abilities tests: tenants with the plugin on, posts to vote on, events the
// reviews and flags plugins will publish, and reads of what a member holds.
class AbilitiesTest : public IntegrationTest {
protected:
    // A tenant with the abilities plugin; `settings` are tenant settings (thresholds…).
    TestTenant abilitiesTenant(const std::string& prefix,
                               std::map<std::string, json> settings = {}) {
        return server().createTenant(prefix, [&](TenantFile& f) {
            f.plugins = {"abilities"};
            for (auto& [k, v] : settings)
                f.settings[k] = v;
        });
    }

    static std::string unique(const std::string& what) {
        return what + " " + TestServer::uniqueSuffix(6);
    }

    // Creates a question; returns its id (asserting 201).
    int64_t ask(HttpClient& api) {
        auto r = api.post("/api/v1/questions",
                          {{"title", unique("How long do I rest bread dough")},
                           {"body", unique("The recipe says overnight but I want it sooner.")},
                           {"tags", {"bread"}}});
        EXPECT_EQ(r.status, 201) << r;
        return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
    }
    int64_t answer(HttpClient& api, int64_t question) {
        auto r = api.post("/api/v1/questions/" + std::to_string(question) + "/answers",
                          {{"body", unique("Two hours at room temperature is usually enough.")}});
        EXPECT_EQ(r.status, 201) << r;
        return r.status == 201 ? r.json()["id"].get<int64_t>() : 0;
    }
    void upvote(HttpClient& voter, int64_t post) {
        auto r = voter.post("/api/v1/posts/" + std::to_string(post) + "/vote", {{"value", 1}});
        EXPECT_EQ(r.status, 200) << r;
    }
    // `n` posts by `author` (questions, then answers), each upvoted by `voter`.
    std::vector<int64_t> upvotedPosts(HttpClient& author, HttpClient& voter, int n) {
        std::vector<int64_t> posts;
        int64_t q = 0;
        for (int i = 0; i < n; ++i) {
            int64_t id = (i == 0 || i % 2 == 1) ? ask(author) : answer(author, q);
            if (i == 0)
                q = id;
            posts.push_back(id);
            upvote(voter, id);
        }
        return posts;
    }

    // Publishes an event the way a plugin would, in its own committed transaction.
    void publish(const TestTenant& t, const std::string& name, const json& payload, int times = 1) {
        auto tenant = server().app().directory().byId(t.id);
        ASSERT_TRUE(tenant);
        auto lease = server().db();
        auto& c = *lease;
        c.useSchema(tenant->schema);
        {
            db::Transaction tx(c);
            for (int i = 0; i < times; ++i)
                server().app().events().publish(c, *tenant, Event{name, payload});
            tx.commit();
        }
        c.exec("SET search_path TO public");
        c.forgetSchema();
    }

    // The abilities /api/v1/me says the member holds (through the permission resolver).
    static std::vector<std::string> held(HttpClient& api) {
        auto r = api.get("/api/v1/me");
        EXPECT_EQ(r.status, 200) << r;
        return r.status == 200 ? r.json()["abilities"].get<std::vector<std::string>>()
                               : std::vector<std::string>{};
    }
    static bool holds(HttpClient& api, const std::string& ability) {
        auto h = held(api);
        return std::find(h.begin(), h.end(), ability) != h.end();
    }
    // One item of GET /api/v1/users/ID/abilities.
    static json abilityOf(HttpClient& c, int64_t member, const std::string& ability) {
        auto r = c.get("/api/v1/users/" + std::to_string(member) + "/abilities");
        EXPECT_EQ(r.status, 200) << r;
        if (r.status != 200)
            return nullptr;
        auto all = r.json();
        for (auto& item : all["items"])
            if (item["id"] == ability)
                return item;
        return nullptr;
    }
    int64_t grants(const TestTenant& t, const std::string& ability) {
        return server().scalar(
            "SELECT count(*) FROM " + t.schema + ".ability_grants WHERE ability = $1", ability);
    }
};

}  // namespace agora::test
