#include "accounts/AccountProfile.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "util/Error.h"
#include "util/TextDiff.h"
#include "web/ContentAccess.h"
#include "web/Routes.h"

namespace agora {

namespace {

std::string formValue(RequestContext& ctx, const std::string& name) {
    const auto& f = ctx.form();
    auto it = f.find(name);
    return it == f.end() ? "" : it->second;
}

// Tags as links: names may hold + and #, so the query value must be encoded.
void tagLinks(json& post) {
    if (!post.contains("tags"))
        return;
    json items = json::array();
    for (const auto& t : post["tags"])
        items.push_back({{"name", t}, {"query", urlEncode(t.get<std::string>())}});
    post["tag_items"] = std::move(items);
}

// The permission flags a page needs to show only the actions that will succeed.
void addActions(RequestContext& ctx, json& post) {
    tagLinks(post);
    auto& perms = ctx.services().permissions();
    PostFacts f;
    f.id = post["id"];
    f.author_id = post["author"]["id"];
    f.is_question = post["type"] == "question";
    f.deleted = post["deleted"];
    f.locked = post["locked"];
    f.closed = post.value("closed", false);
    auto can = [&](Action a) {
        return perms.decide(ctx.db(), ctx.tenant(), ctx.viewer(), a, &f).allowed;
    };
    const auto& v = ctx.viewer();
    bool own = v.signedIn() && v.account_id == f.author_id;
    post["can_vote"] = v.signedIn() && !own && can(Action::Vote);
    post["can_comment"] = can(Action::Comment);
    post["can_edit"] = can(Action::Edit);
    post["can_delete"] = !f.deleted && can(Action::Delete);
    post["can_undelete"] = f.deleted && can(Action::Undelete);
    post["can_lock"] = !f.locked && can(Action::Lock);
    post["can_unlock"] = f.locked && can(Action::Unlock);
    if (f.is_question) {
        post["can_close"] = !f.closed && can(Action::Close);
        post["can_reopen"] = f.closed && can(Action::Reopen);
    }
    int mine = post.value("my_vote", 0);
    post["voted_up"] = mine == 1;
    post["voted_down"] = mine == -1;
    post["is_question"] = f.is_question;
}

// Anonymous readers without a pending message all get the same page: serve it from the page
// cache, or render it and keep it. Returns true when the response is already filled.
bool fromCache(RequestContext& ctx, uint64_t& generation) {
    if (ctx.viewer().signedIn() || !ctx.req().cookie("agora_flash").empty())
        return false;
    ctx.markShared();
    auto& cache = ctx.services().pageCache();
    generation = cache.generation(ctx.tenant().id);
    auto key = ctx.req().path + "?" + ctx.req().query_string;
    if (auto body = cache.get(ctx.tenant().id, key)) {
        ctx.res().body = std::move(*body);
        ctx.res().header("X-Cache", "hit");
        return true;
    }
    return false;
}

void keep(RequestContext& ctx, uint64_t generation) {
    if (!ctx.sharedPage() || ctx.res().status != 200)
        return;
    ctx.services().pageCache().put(ctx.tenant().id, ctx.req().path + "?" + ctx.req().query_string,
                                   ctx.res().body, generation);
}

void home(RequestContext& ctx) {
    uint64_t generation = 0;
    if (fromCache(ctx, generation))
        return;
    auto q = listQuery(ctx);
    auto list = postQueries(ctx).listQuestions(q);
    int64_t total = list["total"];
    int64_t pages = (total + q.per_page - 1) / q.per_page;
    std::string base = "/?sort=" + q.sort + (q.tag.empty() ? "" : "&tag=" + urlEncode(q.tag));
    for (auto& item : list["items"])
        tagLinks(item);
    json data = {{"title", q.tag.empty() ? "Questions" : "Questions tagged " + q.tag},
                 {"questions", list["items"]},
                 {"total", total},
                 {"tag", q.tag},
                 {"sort_activity", q.sort == "activity"},
                 {"sort_newest", q.sort == "newest"},
                 {"sort_score", q.sort == "score"},
                 {"tag_query", q.tag.empty() ? "" : "&tag=" + urlEncode(q.tag)},
                 {"page", q.page},
                 {"pages", pages}};
    if (q.page > 1)
        data["prev_url"] = base + "&page=" + std::to_string(q.page - 1);
    if (q.page < pages)
        data["next_url"] = base + "&page=" + std::to_string(q.page + 1);
    ctx.render("home", data);
    keep(ctx, generation);
}

void questionPage(RequestContext& ctx) {
    uint64_t generation = 0;
    if (fromCache(ctx, generation))
        return;
    auto q = postQueries(ctx).question(ctx.idParam("id"));
    addActions(ctx, q);
    for (auto& a : q["answers"])
        addActions(ctx, a);
    PostFacts facts;
    facts.closed = q["closed"];
    facts.locked = q["locked"];
    facts.deleted = q["deleted"];
    q["can_answer"] = ctx.services()
                          .permissions()
                          .decide(ctx.db(), ctx.tenant(), ctx.viewer(), Action::Answer, &facts)
                          .allowed;
    q["close_reasons"] = postQueries(ctx).closeReasons();
    // The page shows rendered HTML; the Markdown sources would only be copied around.
    q.erase("body");
    for (auto& a : q["answers"])
        a.erase("body");
    json data = {{"title", q["title"]},
                 {"q", q},
                 {"answer_total", q["answers"].size()},
                 {"answer_word", q["answers"].size() == 1 ? "answer" : "answers"}};
    ctx.render("question", data);
    keep(ctx, generation);
}

void askPage(RequestContext& ctx) {
    ctx.requireViewer();
    ctx.render("ask", {{"title", "Ask a question"}});
}

// The preview button: fills data["preview_html"] and returns true, or answers with the form
// again and the reason (too long, too complex, too many previews) and returns false.
bool previewInto(RequestContext& ctx, const std::string& templ, json& data,
                 const std::string& body) {
    try {
        data["preview_html"] = postService(ctx).preview(body);
        return true;
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::RateLimited)
            throw;
        data["error"] = e.what();
        if (e.retryAfterSeconds() > 0)
            ctx.res().header("Retry-After", std::to_string(e.retryAfterSeconds()));
        ctx.render(templ, data, httpStatusFor(e.kind()));
        return false;
    }
}

void askSubmit(RequestContext& ctx) {
    ctx.requireViewer();
    PostDraft d;
    d.title = formValue(ctx, "title");
    d.body = formValue(ctx, "body");
    d.tags = std::vector<std::string>{formValue(ctx, "tags")};
    json again = {{"title", "Ask a question"},
                  {"form_title", *d.title},
                  {"form_body", *d.body},
                  {"form_tags", formValue(ctx, "tags")}};
    if (!formValue(ctx, "preview").empty()) {
        if (previewInto(ctx, "ask", again, *d.body))
            ctx.render("ask", again);
        return;
    }
    try {
        int64_t id = postService(ctx).ask(d);
        ctx.redirect("/questions/" + std::to_string(id));
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::RateLimited)
            throw;
        again["error"] = e.what();
        ctx.render("ask", again, httpStatusFor(e.kind()));
    }
}

int64_t threadOf(RequestContext& ctx, int64_t post_id) {
    auto r = ctx.db().q("SELECT coalesce(parent_id, id) FROM posts WHERE id = $1", post_id);
    if (r.empty())
        throw Error::notFound();
    return r.i64(0, 0);
}

void backToThread(RequestContext& ctx, int64_t post_id) {
    ctx.redirect("/questions/" + std::to_string(threadOf(ctx, post_id)) + "#post-" +
                 std::to_string(post_id));
}

void answerSubmit(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t qid = ctx.idParam("id");
    PostDraft d;
    d.body = formValue(ctx, "body");
    try {
        int64_t id = postService(ctx).answer(qid, d);
        ctx.redirect("/questions/" + std::to_string(qid) + "#post-" + std::to_string(id));
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::RateLimited)
            throw;
        ctx.flash(e.what());
        ctx.redirect("/questions/" + std::to_string(qid) + "#answer-form");
    }
}

void editPage(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = ctx.idParam("id");
    auto post = postQueries(ctx).post(id);
    addActions(ctx, post);
    if (!post["can_edit"].get<bool>()) {
        auto facts = postService(ctx).facts(id);
        ctx.services().permissions().require(ctx.db(), ctx.tenant(), ctx.viewer(), Action::Edit,
                                             &facts);
    }
    json data = {
        {"title", "Edit post"},      {"post", post},    {"form_title", post.value("title", "")},
        {"form_body", post["body"]}, {"form_tags", ""}, {"revision", post["revision"]}};
    if (post.contains("tags")) {
        std::string tags;
        for (const auto& t : post["tags"])
            tags += (tags.empty() ? "" : " ") + t.get<std::string>();
        data["form_tags"] = tags;
    }
    ctx.render("edit", data);
}

void editSubmit(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = ctx.idParam("id");
    auto post = postQueries(ctx).post(id);
    PostDraft d;
    if (post["type"] == "question") {
        d.title = formValue(ctx, "title");
        d.tags = std::vector<std::string>{formValue(ctx, "tags")};
    }
    d.body = formValue(ctx, "body");
    d.comment = formValue(ctx, "comment");
    auto rev = formValue(ctx, "revision");
    if (!rev.empty() && rev.find_first_not_of("0123456789") == std::string::npos && rev.size() < 10)
        d.base_revision = std::stoll(rev);
    json again = {{"title", "Edit post"},
                  {"post", post},
                  {"form_title", d.title.value_or("")},
                  {"form_body", *d.body},
                  {"form_tags", formValue(ctx, "tags")},
                  {"form_comment", d.comment},
                  {"revision", rev}};
    if (!formValue(ctx, "preview").empty()) {
        if (previewInto(ctx, "edit", again, *d.body)) {
            again["diff_html"] = diffHtml(post["body"], *d.body);
            ctx.render("edit", again);
        }
        return;
    }
    try {
        postService(ctx).edit(id, d);
        backToThread(ctx, id);
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::Conflict)
            throw;
        again["error"] = e.what();
        ctx.render("edit", again, httpStatusFor(e.kind()));
    }
}

void historyPage(RequestContext& ctx) {
    auto h = postQueries(ctx).history(ctx.idParam("id"));
    ctx.render("history", {{"title", "Revision history"},
                           {"post", h["post"]},
                           {"revisions", h["items"]},
                           {"thread", threadOf(ctx, ctx.idParam("id"))}});
}

void voteSubmit(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = ctx.idParam("id");
    auto value = formValue(ctx, "value");
    auto s = postService(ctx);
    if (value == "0")
        s.unvote(id);
    else
        s.vote(id, value == "-1" ? -1 : value == "1" ? 1 : 0);
    backToThread(ctx, id);
}

void commentSubmit(RequestContext& ctx) {
    ctx.requireViewer();
    int64_t id = ctx.idParam("id");
    try {
        postService(ctx).comment(id, formValue(ctx, "body"));
    } catch (const Error& e) {
        if (e.kind() != ErrorCode::Invalid && e.kind() != ErrorCode::RateLimited)
            throw;
        ctx.flash(e.what());
    }
    backToThread(ctx, id);
}

template <typename F>
Handler formAction(F f, const char* done) {
    return [f, done](RequestContext& ctx) {
        ctx.requireViewer();
        int64_t id = ctx.idParam("id");
        auto s = postService(ctx);
        f(s, id, ctx);
        ctx.flash(done);
        backToThread(ctx, id);
    };
}

void profilePage(RequestContext& ctx) {
    int64_t id = ctx.idParam("id");
    auto q = listQuery(ctx);
    auto queries = postQueries(ctx);
    auto member = queries.member(id);
    auto posts = queries.memberPosts(id, q.page, q.per_page);
    int64_t total = posts["total"];
    int64_t pages = std::max<int64_t>(1, (total + q.per_page - 1) / q.per_page);
    json data = {{"title", member["display_name"]},
                 {"member", member},
                 {"posts", posts["items"]},
                 {"is_self", ctx.viewer().account_id == id},
                 {"profile", AccountProfile::publicProfile(ctx.db(), id)},
                 {"avatar_url", "/users/" + std::to_string(id) + "/avatar.svg"},
                 {"slots", json::object()}};
    if (q.page > 1)
        data["prev_url"] = "/users/" + std::to_string(id) + "?page=" + std::to_string(q.page - 1);
    if (q.page < pages)
        data["next_url"] = "/users/" + std::to_string(id) + "?page=" + std::to_string(q.page + 1);
    ctx.render("user", data);
}

void tagsPage(RequestContext& ctx) {
    auto q = listQuery(ctx);
    auto tags = postQueries(ctx).tags(q.page, 100);
    ctx.render("tags", {{"title", "Tags"}, {"tags", tags["items"]}});
}

void tagPage(RequestContext& ctx) {
    ctx.redirect("/?tag=" + urlEncode(ctx.param("name")), 302);
}

}  // namespace

void registerPostPages(Router& r) {
    r.add("GET", "/", home);
    r.add("GET", "/questions", home);
    r.add("GET", "/questions/{id}", questionPage);
    r.add("GET", "/ask", askPage);
    r.add("POST", "/ask", askSubmit);
    r.add("POST", "/questions/{id}/answers", answerSubmit);
    r.add("GET", "/posts/{id}/edit", editPage);
    r.add("POST", "/posts/{id}/edit", editSubmit);
    r.add("GET", "/posts/{id}/history", historyPage);
    r.add("POST", "/posts/{id}/vote", voteSubmit);
    r.add("POST", "/posts/{id}/comments", commentSubmit);
    r.add("POST", "/posts/{id}/close",
          formAction([](PostService& s, int64_t id,
                        RequestContext& ctx) { s.close(id, formValue(ctx, "reason")); },
                     "Question closed."));
    r.add("POST", "/posts/{id}/reopen",
          formAction([](PostService& s, int64_t id, RequestContext&) { s.reopen(id); },
                     "Question reopened."));
    r.add("POST", "/posts/{id}/delete",
          formAction([](PostService& s, int64_t id, RequestContext&) { s.setDeleted(id, true); },
                     "Post deleted."));
    r.add("POST", "/posts/{id}/undelete",
          formAction([](PostService& s, int64_t id, RequestContext&) { s.setDeleted(id, false); },
                     "Post undeleted."));
    r.add("POST", "/posts/{id}/lock",
          formAction([](PostService& s, int64_t id, RequestContext&) { s.setLocked(id, true); },
                     "Post locked."));
    r.add("POST", "/posts/{id}/unlock",
          formAction([](PostService& s, int64_t id, RequestContext&) { s.setLocked(id, false); },
                     "Post unlocked."));
    r.add("GET", "/users/{id}", profilePage);
    r.add("GET", "/tags", tagsPage);
    r.add("GET", "/tags/{name}", tagPage);
}

}  // namespace agora
