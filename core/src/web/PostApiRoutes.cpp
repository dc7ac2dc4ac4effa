#include "accounts/AccountProfile.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "util/Error.h"
#include "web/AccountSupport.h"
#include "web/ContentAccess.h"
#include "web/Routes.h"

namespace agora {

namespace {

std::optional<std::vector<std::string>> tagsInput(RequestContext& ctx) {
    const auto& b = ctx.body();
    auto it = b.find("tags");
    if (it == b.end() || it->is_null())
        return std::nullopt;
    if (it->is_string())
        return std::vector<std::string>{it->get<std::string>()};
    if (!it->is_array())
        throw Error::invalid("tags", "tags must be an array of strings");
    std::vector<std::string> out;
    for (const auto& t : *it) {
        if (!t.is_string())
            throw Error::invalid("tags", "tags must be an array of strings");
        out.push_back(t.get<std::string>());
    }
    return out;
}

std::optional<std::string> stringField(RequestContext& ctx, const std::string& name) {
    const auto& b = ctx.body();
    auto it = b.find(name);
    if (it == b.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        throw Error::invalid(name, name + " must be a string");
    return it->get<std::string>();
}

PostDraft draftFromJson(RequestContext& ctx) {
    PostDraft d;
    d.title = stringField(ctx, "title");
    d.body = stringField(ctx, "body");
    d.tags = tagsInput(ctx);
    d.comment = stringField(ctx, "comment").value_or("");
    const auto& b = ctx.body();
    if (auto it = b.find("revision"); it != b.end() && !it->is_null()) {
        if (!it->is_number_integer())
            throw Error::invalid("revision", "revision must be a number");
        d.base_revision = it->get<int64_t>();
    }
    return d;
}

void listQuestions(RequestContext& ctx) {
    auto q = listQuery(ctx);
    ctx.sendJson(200, postQueries(ctx).listQuestions(q));
}

void createQuestion(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = postService(ctx).ask(draftFromJson(ctx));
    ctx.res().header("Location", "/api/v1/questions/" + std::to_string(id));
    ctx.sendJson(201, postQueries(ctx).post(id));
}

void getQuestion(RequestContext& ctx) {
    ctx.sendJson(200, postQueries(ctx).question(ctx.idParam("id")));
}

void createAnswer(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = postService(ctx).answer(ctx.idParam("id"), draftFromJson(ctx));
    ctx.res().header("Location", "/api/v1/posts/" + std::to_string(id));
    ctx.sendJson(201, postQueries(ctx).post(id));
}

void getPost(RequestContext& ctx) {
    ctx.sendJson(200, postQueries(ctx).post(ctx.idParam("id")));
}

void editPost(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = ctx.idParam("id");
    postService(ctx).edit(id, draftFromJson(ctx));
    ctx.sendJson(200, postQueries(ctx).post(id));
}

void postHistory(RequestContext& ctx) {
    ctx.sendJson(200, postQueries(ctx).history(ctx.idParam("id")));
}

void vote(RequestContext& ctx) {
    ctx.requireViewer();
    const auto& b = ctx.body();
    auto it = b.find("value");
    if (it == b.end() || !it->is_number_integer())
        throw Error::invalid("value", "value must be 1 or -1");
    auto [score, mine] = postService(ctx).vote(ctx.idParam("id"), it->get<int>());
    ctx.sendJson(200, {{"post_id", ctx.idParam("id")}, {"score", score}, {"my_vote", mine}});
}

void unvote(RequestContext& ctx) {
    ctx.requireViewer();
    auto [score, mine] = postService(ctx).unvote(ctx.idParam("id"));
    ctx.sendJson(200, {{"post_id", ctx.idParam("id")}, {"score", score}, {"my_vote", mine}});
}

void createComment(RequestContext& ctx) {
    ctx.requireViewer();
    auto body = stringField(ctx, "body");
    if (!body)
        throw Error::invalid("body", "body is required");
    int64_t id = postService(ctx).comment(ctx.idParam("id"), *body);
    ctx.sendJson(201, postQueries(ctx).comment(id));
}

void closePost(RequestContext& ctx) {
    ctx.requireViewer();
    auto reason = stringField(ctx, "reason");
    if (!reason || reason->empty())
        throw Error::invalid("reason", "reason is required");
    postService(ctx).close(ctx.idParam("id"), *reason);
    ctx.sendJson(200, postQueries(ctx).post(ctx.idParam("id")));
}

template <typename F>
Handler moderation(F f) {
    return [f](RequestContext& ctx) {
        ctx.requireViewer();
        auto service = postService(ctx);
        f(service, ctx.idParam("id"));
        ctx.sendJson(200, postQueries(ctx).post(ctx.idParam("id")));
    };
}

void getUser(RequestContext& ctx) {
    int64_t id = ctx.idParam("id");
    json member = postQueries(ctx).member(id);
    // The account's own words (bio, website, location, avatar); null for a deleted member.
    member["profile"] = AccountProfile::publicProfile(ctx.db(), id);
    ctx.sendJson(200, member);
}

void getUserPosts(RequestContext& ctx) {
    auto q = listQuery(ctx);
    ctx.sendJson(200, postQueries(ctx).memberPosts(ctx.idParam("id"), q.page, q.per_page));
}

void me(RequestContext& ctx) {
    const auto& v = ctx.requireViewer();
    auto& c = ctx.db();
    auto acct =
        c.q("SELECT email, "
            "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
            "FROM network.accounts WHERE id = $1",
            v.account_id);
    json member = postQueries(ctx).member(v.account_id);
    auto abilities = ctx.services().permissions().heldAbilities(c, ctx.tenant(), v);
    json out = {{"account",
                 {{"id", v.account_id},
                  {"username", v.username},
                  {"display_name", v.display_name},
                  {"email", acct.empty() ? "" : acct.str(0, 0)},
                  {"created_at", acct.empty() ? "" : acct.str(0, 1)},
                  {"staff", v.is_staff}}},
                {"membership", member},
                {"roles", json::array({roleName(v.role)})},
                {"abilities", abilities}};
    out["account"].update(accountPrivateFields(c, v.account_id));
    ctx.sendJson(200, out);
}

void listTags(RequestContext& ctx) {
    auto q = listQuery(ctx);
    ctx.sendJson(200, postQueries(ctx).tags(q.page, q.per_page));
}

void closeReasons(RequestContext& ctx) {
    auto items = postQueries(ctx).closeReasons();
    ctx.sendJson(200, {{"items", items}, {"total", items.size()}});
}

}  // namespace

void registerPostApiRoutes(Router& r) {
    r.add("GET", "/api/v1/questions", listQuestions);
    r.add("POST", "/api/v1/questions", createQuestion);
    r.add("GET", "/api/v1/questions/{id}", getQuestion);
    r.add("POST", "/api/v1/questions/{id}/answers", createAnswer);
    r.add("GET", "/api/v1/posts/{id}", getPost);
    r.add("PATCH", "/api/v1/posts/{id}", editPost);
    r.add("GET", "/api/v1/posts/{id}/history", postHistory);
    r.add("POST", "/api/v1/posts/{id}/vote", vote);
    r.add("DELETE", "/api/v1/posts/{id}/vote", unvote);
    r.add("POST", "/api/v1/posts/{id}/comments", createComment);
    r.add("POST", "/api/v1/posts/{id}/close", closePost);
    r.add("POST", "/api/v1/posts/{id}/reopen",
          moderation([](PostService& s, int64_t id) { s.reopen(id); }));
    r.add("POST", "/api/v1/posts/{id}/delete",
          moderation([](PostService& s, int64_t id) { s.setDeleted(id, true); }));
    r.add("POST", "/api/v1/posts/{id}/undelete",
          moderation([](PostService& s, int64_t id) { s.setDeleted(id, false); }));
    r.add("POST", "/api/v1/posts/{id}/lock",
          moderation([](PostService& s, int64_t id) { s.setLocked(id, true); }));
    r.add("POST", "/api/v1/posts/{id}/unlock",
          moderation([](PostService& s, int64_t id) { s.setLocked(id, false); }));
    r.add("GET", "/api/v1/users/{id}", getUser);
    r.add("GET", "/api/v1/users/{id}/posts", getUserPosts);
    r.add("GET", "/api/v1/me", me);
    r.add("GET", "/api/v1/tags", listTags);
    r.add("GET", "/api/v1/close-reasons", closeReasons);
}

}  // namespace agora
