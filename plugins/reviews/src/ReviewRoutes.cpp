// The reviews API (SPEC "Reviews plugin"): suggest, list, show, approve, reject, retract.
#include "Registration.h"
#include "ReviewQueries.h"
#include "SuggestionActions.h"
#include "SuggestionViews.h"

namespace agora::reviews {

namespace {

void respond(const Call& call, int status, const json& body) {
    call.respondJson(status, dump(body));
}

json detail(const Call& call, const AgoraRequest& req, int64_t id) {
    return suggestionDetailJson(call, visibleSuggestion(call, req, id));
}

void create(Call& call, const AgoraRequest& req) {
    int64_t post_id = Params::of(req).id("id");
    auto post = postToSuggestOn(call, req, post_id);
    int64_t id = suggest(call, req, post_id, suggestionFromRequest(call, req, post));
    respond(call, 201, detail(call, req, id));
}

void list(Call& call, const AgoraRequest& req) {
    requireSignedIn(req);
    auto q = ListQuery::of(Params::of(req));
    auto viewer = listViewer(call, req);
    SuggestionStore store(call);
    json items = json::array();
    for (const auto& s : store.list(q.state, viewer, q.page, q.per_page))
        items.push_back(suggestionJson(call, s));
    respond(call, 200,
            {{"items", items},
             {"page", q.page},
             {"per_page", q.per_page},
             {"total", store.count(q.state, viewer)},
             {"state", q.state}});
}

void show(Call& call, const AgoraRequest& req) {
    respond(call, 200, detail(call, req, Params::of(req).id("id")));
}

void approveRoute(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    approve(call, req, id, inputText(call, req, "comment").value_or(""));
    respond(call, 200, detail(call, req, id));
}

void rejectRoute(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    bool outdated = truthy(inputText(call, req, "outdated").value_or(""));
    reject(call, req, id, inputText(call, req, "comment").value_or(""), outdated);
    respond(call, 200, detail(call, req, id));
}

void retractRoute(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    retract(call, req, id);
    respond(call, 200, detail(call, req, id));
}

}  // namespace

void registerApiRoutes(plugin::Registrar& r) {
    r.route("POST", "/api/v1/posts/{id}/suggested-edits", create);
    r.route("GET", "/api/v1/suggested-edits", list);
    r.route("GET", "/api/v1/suggested-edits/{id}", show);
    r.route("POST", "/api/v1/suggested-edits/{id}/approve", approveRoute);
    r.route("POST", "/api/v1/suggested-edits/{id}/reject", rejectRoute);
    r.route("POST", "/api/v1/suggested-edits/{id}/retract", retractRoute);
}

}  // namespace agora::reviews
