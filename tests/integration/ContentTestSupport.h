// Shared helpers for the tests of questions, answers, votes and comments: posting through the
// API with the status checked, reading the tenant's tables, and one text holding every content
// row of a tenant so "nothing was written" is a single comparison.
#pragma once

#include <gmock/gmock.h>

#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/IntegrationTest.h"

namespace agora::test {

// Rate limits high enough that one member can post a whole thread in a test (new members get
// three questions a day by default). Tests of the limits themselves don't use it.
inline void roomyLimits(TenantFile& f) {
    for (const char* what : {"questions", "answers", "votes", "comments"}) {
        f.settings[std::string("rate_limit.new_user.") + what + "_per_day"] = 1000;
        f.settings[std::string("rate_limit.") + what + "_per_day"] = 1000;
    }
}

class ContentTest : public IntegrationTest {
protected:
    // A tenant whose members are not held back by the new-member rate limits.
    TestTenant roomyTenant(const std::string& prefix) {
        return server().createTenant(prefix, roomyLimits);
    }

    // Valid under the default limits (title 15..150, body 30..30000, comment 15..600).
    static std::string title(const std::string& what) {
        return "How do I " + what + " without ruining it?";
    }
    static std::string body(const std::string& what) {
        return "I have tried several times to " + what + " and it never works out. What now?";
    }

    // POST /api/v1/questions; throws (failing the test with the answer) unless 201.
    static json ask(HttpClient& api, const std::string& t, const std::string& b,
                    const std::vector<std::string>& tags = {"general"}) {
        return expect(api.post("/api/v1/questions", {{"title", t}, {"body", b}, {"tags", tags}}),
                      201, "ask");
    }
    static int64_t askId(HttpClient& api, const std::string& what,
                         const std::vector<std::string>& tags = {"general"}) {
        return ask(api, title(what), body(what), tags)["id"].get<int64_t>();
    }
    static json answer(HttpClient& api, int64_t question, const std::string& b) {
        return expect(
            api.post("/api/v1/questions/" + std::to_string(question) + "/answers", {{"body", b}}),
            201, "answer");
    }
    static int64_t answerId(HttpClient& api, int64_t question, const std::string& what) {
        return answer(api, question, body(what))["id"].get<int64_t>();
    }
    static json comment(HttpClient& api, int64_t post, const std::string& b) {
        return expect(
            api.post("/api/v1/posts/" + std::to_string(post) + "/comments", {{"body", b}}), 201,
            "comment");
    }
    static json vote(HttpClient& api, int64_t post, int value) {
        return expect(
            api.post("/api/v1/posts/" + std::to_string(post) + "/vote", {{"value", value}}), 200,
            "vote");
    }
    static json act(HttpClient& api, int64_t post, const std::string& action,
                    const json& body = json::object()) {
        return expect(api.post("/api/v1/posts/" + std::to_string(post) + "/" + action, body), 200,
                      action);
    }

    static json expect(const HttpResult& r, int status, const std::string& what) {
        if (r.status != status)
            throw std::runtime_error(what + ": expected " + std::to_string(status) + ", got " +
                                     r.describe());
        return r.isJson() ? r.json() : json();
    }

    // An API error as SPEC §4 describes it: the status, error.code, error.field when given, and a
    // message for people.
    static ::testing::AssertionResult refused(const HttpResult& r, int status,
                                              const std::string& code,
                                              const std::string& field = "") {
        if (r.status == status && r.errorCode() == code &&
            (field.empty() || r.errorField() == field) && !r.errorMessage().empty())
            return ::testing::AssertionSuccess();
        return ::testing::AssertionFailure()
               << "expected " << status << " " << code << (field.empty() ? "" : " on " + field)
               << ", got " << r.describe();
    }

    static std::string path(const std::string& prefix, int64_t id, const std::string& rest = "") {
        return prefix + std::to_string(id) + rest;
    }

    static std::vector<int64_t> ids(const json& items) {
        std::vector<int64_t> out;
        for (const auto& i : items)
            out.push_back(i.at("id").get<int64_t>());
        return out;
    }

    // SQL with "{s}" standing for the tenant's schema.
    static std::string inSchema(const TestTenant& t, std::string sql) {
        const std::string quoted = "\"" + t.schema + "\"";
        for (size_t pos = sql.find("{s}"); pos != std::string::npos; pos = sql.find("{s}", pos))
            sql.replace(pos, 3, quoted);
        return sql;
    }
    template <typename... Args>
    int64_t scalarIn(const TestTenant& t, const std::string& sql, const Args&... args) {
        return server().scalar(inSchema(t, sql), args...);
    }
    template <typename... Args>
    std::string textIn(const TestTenant& t, const std::string& sql, const Args&... args) {
        return server().text(inSchema(t, sql), args...);
    }

    // A member's vote-derived counters in this tenant: "good G bad B score S".
    std::string voteCounters(const TestTenant& t, int64_t member) {
        return textIn(t,
                      "SELECT 'good ' || good_posts || ' bad ' || bad_posts || ' score ' || "
                      "post_score FROM {s}.members WHERE id = $1",
                      member);
    }
    // A post's vote totals: "score S up U down D".
    std::string postVotes(const TestTenant& t, int64_t post) {
        return textIn(t,
                      "SELECT 'score ' || score || ' up ' || up_votes || ' down ' || down_votes "
                      "FROM {s}.posts WHERE id = $1",
                      post);
    }

    // Every content row of the tenant (posts with their counters and state, revisions, votes,
    // comments, tags, moderation events, member counters, site totals) as one text: compare it
    // before and after a refused request; the diff shows what moved.
    std::string contentState(const TestTenant& t) {
        static const char* kParts[][2] = {
            {"posts",
             "SELECT string_agg(concat_ws(' ', id, post_type, 'score', score, up_votes, "
             "down_votes, "
             "'answers', answer_count, 'comments', comment_count, 'rev', revision_count, "
             "'closed', closed_at IS NOT NULL, 'deleted', deleted_at IS NOT NULL, 'locked', "
             "locked_at IS NOT NULL, 'tags', tags::text, md5(coalesce(title, '') || body_md), "
             "last_activity_at), E'\\n  ' ORDER BY id) FROM {s}.posts"},
            {"revisions",
             "SELECT string_agg(post_id || '#' || number || ' by ' || editor_id, ', ' ORDER BY id) "
             "FROM {s}.revisions"},
            {"votes",
             "SELECT string_agg(post_id || '/' || member_id || '=' || value, ', ' ORDER BY "
             "post_id, "
             "member_id) FROM {s}.votes"},
            {"comments",
             "SELECT string_agg(id || ' on ' || post_id || ' ' || md5(body_md), ', ' ORDER BY id) "
             "FROM {s}.comments"},
            {"tags",
             "SELECT string_agg(name || ':' || question_count, ', ' ORDER BY name) FROM {s}.tags"},
            {"post_tags",
             "SELECT string_agg(post_id || '/' || tag_id, ', ' ORDER BY post_id, tag_id) "
             "FROM {s}.post_tags"},
            {"post_events",
             "SELECT string_agg(post_id || ' ' || kind || ' by ' || actor_id, ', ' ORDER BY id) "
             "FROM {s}.post_events"},
            {"members",
             "SELECT string_agg(concat_ws(' ', id, role, 'q', question_count, 'a', answer_count, "
             "'good', good_posts, 'bad', bad_posts, 'score', post_score), ', ' ORDER BY id) "
             "FROM {s}.members"},
            {"site_counters",
             "SELECT questions || ' questions, ' || answers || ' answers' "
             "FROM {s}.site_counters"},
        };
        std::string out;
        for (const auto& [name, sql] : kParts)
            out += std::string(name) + ": " + textIn(t, sql) + "\n";
        return out;
    }

    // Everything a refused request must leave alone: the tenant's content and its network rows.
    std::string state(const TestTenant& t) { return contentState(t) + server().networkState(t.id); }

    // Markup that would run script in a reader's browser: a <script> element, an event-handler
    // attribute on any tag, or a javascript: link. The theme's own <script src="/static/...">
    // is allowed. Attribute values without raw angle brackets are blanked before looking for
    // handlers, so an escaped `x" onerror="...` inside an attribute value is not mistaken for one.
    static std::vector<std::string> injectedMarkup(const std::string& html) {
        static const std::regex script(R"(<script(?![^>]*\bsrc="/static/))", std::regex::icase);
        static const std::regex js_link(R"(href\s*=\s*["']?\s*javascript:)", std::regex::icase);
        static const std::regex quoted(R"("[^"<>]*")");
        static const std::regex handler(R"(<[a-z][^>]*\son[a-z]+\s*=)", std::regex::icase);
        std::vector<std::string> found;
        auto scan = [&](const std::string& text, const std::regex& re) {
            for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
                found.push_back(text.substr(static_cast<size_t>(it->position()), 80));
        };
        scan(html, script);
        scan(html, js_link);
        scan(std::regex_replace(html, quoted, "\"\""), handler);
        return found;
    }
};

}  // namespace agora::test
