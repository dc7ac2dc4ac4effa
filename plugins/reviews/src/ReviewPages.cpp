// HTML pages: the suggest-edit form (with a diff preview that works without JavaScript), the
// review queue and one suggestion with its side-by-side comparison and the review forms.
#include "Registration.h"
#include "ReviewQueries.h"
#include "SuggestionActions.h"
#include "SuggestionViews.h"

namespace agora::reviews {

namespace {

std::string fieldText(const std::string& field, const json& v) {
    if (field == "tags")
        return tagsText(v);
    return v.is_string() ? v.get<std::string>() : "";
}

const char* fieldLabel(const std::string& field) {
    return field == "title" ? "Title" : field == "body" ? "Body" : "Tags";
}

std::string stateLabel(const std::string& state, bool outdated) {
    if (state == "pending")
        return "Pending review";
    if (state == "approved")
        return "Approved";
    if (state == "retracted")
        return "Retracted by the suggester";
    return outdated ? "Rejected as outdated" : "Rejected";
}

// ---- suggest an edit --------------------------------------------------------------------

json postData(const PostRow& p) {
    return {{"id", p.id},
            {"is_question", p.is_question},
            {"question_id", p.question_id},
            {"thread_title", p.thread_title}};
}

json formPage(const Call& call, const PostRow& p) {
    return {{"title", "Suggest an edit"},
            {"post", postData(p)},
            {"comment_max", intSetting(call, "limits.edit_comment_max", 255)},
            {"form",
             {{"title", p.title.is_string() ? p.title.get<std::string>() : ""},
              {"body", p.body},
              {"tags", tagsText(p.tags)},
              {"comment", ""}}}};
}

// The form's own values, so a preview or a refused submission shows what was typed.
json typedForm(const SuggestionInput& in) {
    return {{"title", in.title.value_or("")},
            {"body", in.body.value_or("")},
            {"tags", in.tags && !in.tags->empty() ? (*in.tags)[0].get<std::string>() : ""},
            {"comment", in.comment}};
}

// Signed-in members who can edit go to core's edit page instead.
std::optional<PostRow> suggestablePost(Call& call, const AgoraRequest& req, int64_t id) {
    try {
        return postToSuggestOn(call, req, id);
    } catch (const Fail& f) {
        if (f.code() != "edit_directly")
            throw;
        call.flash("You can edit this post directly.");
        call.redirect("/posts/" + std::to_string(id) + "/edit");
        return std::nullopt;
    }
}

void suggestForm(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    auto post = suggestablePost(call, req, id);
    if (!post)
        return;
    json data = formPage(call, *post);
    if (auto pending = SuggestionStore(call).pendingOn(id))
        data["pending_id"] = *pending;
    call.respondPage(200, "suggest_edit", dump(data));
}

void preview(Call& call, const AgoraRequest& req, const PostRow& post, const SuggestionInput& in,
             json& data) {
    // A dry run needs a transaction; it writes nothing, and this one is rolled back.
    call.begin();
    DryRun d;
    try {
        d = dryRun(call, req, post, in);
    } catch (const Fail& f) {
        abandon(call);
        if (f.status() != 422 && f.status() != 409)
            throw;
        data["error"] = f.what();
        call.respondPage(f.status(), "suggest_edit", dump(data));
        return;
    }
    call.rollback();
    json changes = json::array();
    json before = {{"title", post.title}, {"body", post.body}, {"tags", post.tags}};
    for (const char* f : {"title", "tags", "body"}) {
        json after = f == std::string("title")  ? d.title
                     : f == std::string("body") ? d.body
                                                : d.tags;
        if (after.is_null())
            continue;
        changes.push_back({{"label", fieldLabel(f)},
                           {"block", f == std::string("body")},
                           {"diff", call.diffHtml(fieldText(f, before[f]), fieldText(f, after))}});
    }
    data["preview"] = true;
    data["changes"] = changes;
    call.respondPage(200, "suggest_edit", dump(data));
}

void suggestSubmit(Call& call, const AgoraRequest& req) {
    int64_t id = Params::of(req).id("id");
    auto post = suggestablePost(call, req, id);
    if (!post)
        return;
    auto in = suggestionFromForm(call, *post);
    json data = formPage(call, *post);
    data["form"] = typedForm(in);
    if (!post->is_question) {
        data["form"]["title"] = "";
        data["form"]["tags"] = "";
    }
    std::string wants_preview;
    if (call.input("preview", wants_preview) && !wants_preview.empty()) {
        preview(call, req, *post, in, data);
        return;
    }
    try {
        int64_t sid = suggest(call, req, id, in);
        call.flash("Thanks: your suggested edit is waiting for review.");
        call.redirect("/review/suggested-edits/" + std::to_string(sid));
    } catch (const Fail& f) {
        if (f.status() != 422 && f.status() != 409 && f.status() != 429)
            throw;
        abandon(call);
        data["error"] = f.what();
        if (f.code() == "suggestion_pending")
            if (auto pending = SuggestionStore(call).pendingOn(id))
                data["pending_id"] = *pending;
        call.respondPage(f.status(), "suggest_edit", dump(data));
    }
}

// ---- the queue ----------------------------------------------------------------------------

void queuePage(Call& call, const AgoraRequest& req) {
    requireSignedIn(req);
    auto q = ListQuery::of(Params::of(req));
    auto viewer = listViewer(call, req);
    SuggestionStore store(call);
    json items = json::array();
    for (const auto& s : store.list(q.state, viewer, q.page, q.per_page)) {
        json item = suggestionJson(call, s);
        std::string fields;
        for (auto& [name, change] : item["changes"].items())
            fields += (fields.empty() ? "" : ", ") + std::string(fieldLabel(name));
        item["fields"] = fields;
        item["is_answer"] = item["post_type"] == "answer";
        item["pending"] = s.pending();
        if (item["reviewer"].is_null())
            item.erase("reviewer");
        item.erase("changes");  // the diffs are on the suggestion's own page
        items.push_back(std::move(item));
    }
    int64_t total = store.count(q.state, viewer);
    json tabs = json::array();
    for (const char* st : {"pending", "approved", "rejected", "retracted"}) {
        std::string label = st;
        label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
        tabs.push_back({{"state", st}, {"label", label}, {"current", q.state == st}});
    }
    json data = {{"title", "Suggested edits"},
                 {"items", items},
                 {"has_items", !items.empty()},
                 {"tabs", tabs},
                 {"state", q.state},
                 {"pending", q.state == "pending"},
                 {"is_reviewer", viewer.reviewer},
                 {"total", total}};
    if (q.page > 1)
        data["prev"] = q.page - 1;
    if (q.page * q.per_page < total)
        data["next"] = q.page + 1;
    call.respondPage(200, "queue", dump(data));
}

// ---- one suggestion -----------------------------------------------------------------------

json detailPage(const Call& call, const AgoraRequest& req, const Suggestion& s) {
    json d = suggestionDetailJson(call, s);
    json rows = json::array();
    // The form's order (title, tags, body), not the JSON object's alphabetical one.
    for (const char* name : {"title", "tags", "body"}) {
        if (!d["changes"].contains(name))
            continue;
        const auto& change = d["changes"][name];
        rows.push_back({{"label", fieldLabel(name)},
                        {"before", fieldText(name, change["before"])},
                        {"after", fieldText(name, change["after"])},
                        {"diff", change["diff"]}});
    }
    json three = json::array();
    if (d["three_way"].is_object()) {
        const auto& t = d["three_way"];
        for (const char* f : {"title", "tags", "body"}) {
            if (t["base"][f] == t["current"][f] && t["base"][f] == t["suggested"][f])
                continue;  // nobody touched it (or an answer's title): nothing to compare
            std::string base = fieldText(f, t["base"][f]);
            three.push_back({{"label", fieldLabel(f)},
                             {"base", base},
                             {"changed_since", call.diffHtml(base, fieldText(f, t["current"][f]))},
                             {"suggested", call.diffHtml(base, fieldText(f, t["suggested"][f]))}});
        }
    }
    bool pending = s.pending();
    if (d["reviewer"].is_null())
        d.erase("reviewer");
    return {{"title", "Suggested edit #" + std::to_string(s.id)},
            {"s", d},
            {"rows", rows},
            {"three_rows", three},
            {"pending", pending},
            {"decided", !pending},
            {"is_answer", d["post_type"] == "answer"},
            {"state_label", stateLabel(s.state, s.row["outdated"].get<bool>())},
            {"can_review", pending && reviewRefusal(call, req, s).empty()},
            {"can_retract", pending && s.suggester_id == req.viewer_id},
            {"comment_max", intSetting(call, "limits.comment_max", 600)}};
}

void suggestionPage(Call& call, const AgoraRequest& req) {
    auto s = visibleSuggestion(call, req, Params::of(req).id("id"));
    call.respondPage(200, "suggestion", dump(detailPage(call, req, s)));
}

// Form posts from the suggestion's page: the same actions as the API, then back to the page
// with a flash; a refusal (stale, already decided, a missing comment) shows the page again
// with the reason and the status an API client would get.
plugin::RouteHandler decision(const std::string& action) {
    return [action](Call& call, const AgoraRequest& req) {
        int64_t id = Params::of(req).id("id");
        std::string back = "/review/suggested-edits/" + std::to_string(id);
        try {
            std::string comment = inputText(call, req, "comment").value_or("");
            if (action == "approve") {
                approve(call, req, id, comment);
                call.flash("Approved: the edit is applied and the suggester is told.");
            } else if (action == "reject") {
                reject(call, req, id, comment,
                       truthy(inputText(call, req, "outdated").value_or("")));
                call.flash("Rejected: the suggester is told why.");
            } else {
                retract(call, req, id);
                call.flash("Your suggested edit is retracted.");
            }
            call.redirect(back);
        } catch (const Fail& f) {
            if (f.status() != 409 && f.status() != 422)
                throw;
            abandon(call);
            auto s = visibleSuggestion(call, req, id);
            json data = detailPage(call, req, s);
            data["error"] = f.what();
            call.respondPage(f.status(), "suggestion", dump(data));
        }
    };
}

}  // namespace

void registerPages(plugin::Registrar& r) {
    r.route("GET", "/posts/{id}/suggest-edit", suggestForm);
    r.route("POST", "/posts/{id}/suggest-edit", suggestSubmit);
    r.route("GET", "/review/suggested-edits", queuePage);
    r.route("GET", "/review/suggested-edits/{id}", suggestionPage);
    r.route("POST", "/review/suggested-edits/{id}/approve", decision("approve"));
    r.route("POST", "/review/suggested-edits/{id}/reject", decision("reject"));
    r.route("POST", "/review/suggested-edits/{id}/retract", decision("retract"));
}

}  // namespace agora::reviews
