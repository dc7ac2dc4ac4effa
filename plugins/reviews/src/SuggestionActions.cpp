#include "SuggestionActions.h"

namespace agora::reviews {

namespace {

std::string requiredComment(const std::string& raw, const std::string& what, int64_t max) {
    std::string c = trim(raw);
    if (c.empty())
        throw Fail(422, "invalid", what + " is required", "comment");
    if (static_cast<int64_t>(charCount(c)) > max)
        throw Fail(422, "invalid", what + " must be at most " + std::to_string(max) + " characters",
                   "comment");
    return c;
}

std::string optionalComment(const std::string& raw, int64_t max) {
    std::string c = trim(raw);
    if (static_cast<int64_t>(charCount(c)) > max)
        throw Fail(422, "invalid", "comment must be at most " + std::to_string(max) + " characters",
                   "comment");
    return c;
}

// A refused core edit becomes the same error for our caller.
[[noreturn]] void failFromEdit(const std::string& result_json) {
    json r = json::parse(result_json.empty() ? "{}" : result_json, nullptr, false);
    json e = r.is_object() && r.contains("error") ? r["error"] : json::object();
    int status = e.value("status", 422);
    throw Fail(status, e.value("code", std::string("invalid")),
               e.value("message", std::string("the edit was refused")),
               e.value("field", std::string()));
}

json editRequest(const Suggestion& s) {
    const auto& r = s.row;
    json edit = {{"post_id", s.post_id},
                 {"comment", r["comment"]},
                 {"editor_id", s.suggester_id},
                 {"base_revision", s.base_revision}};
    if (!r["title"].is_null())
        edit["title"] = r["title"];
    if (!r["body"].is_null())
        edit["body"] = r["body"];
    if (!r["tags"].is_null())
        edit["tags"] = r["tags"];
    return edit;
}

std::string postLabel(const Suggestion& s) {
    std::string title =
        s.row["thread_title"].is_string() ? s.row["thread_title"].get<std::string>() : "";
    std::string kind = s.row["post_type"] == "question" ? "question" : "answer on";
    return kind + " \u201c" + title + "\u201d";
}

std::string link(int64_t id) {
    return "/review/suggested-edits/" + std::to_string(id);
}

std::string withComment(std::string text, const std::string& comment) {
    return comment.empty() ? text + "." : text + ": " + comment;
}

// The decision's common part: the row locked, still pending, and the viewer a reviewer.
Suggestion lockForDecision(const Call& call, const AgoraRequest& req, int64_t id) {
    auto s = SuggestionStore(call).find(id, true);
    if (!s || (s->post_deleted && !req.viewer_is_moderator && s->post_author_id != req.viewer_id))
        throw Fail(404, "not_found", "no suggested edit " + std::to_string(id));
    if (!s->pending())
        throw Fail(409, "already_decided",
                   "suggested edit " + std::to_string(id) + " was already " + s->state);
    std::string refusal = reviewRefusal(call, req, *s);
    if (refusal == "own_suggestion")
        throw Fail(403, refusal, "you can't review your own suggested edit; retract it instead");
    if (!refusal.empty())
        throw Fail(403, refusal,
                   "reviewing suggested edits needs the edit_posts ability (or being the post's "
                   "author or a moderator)");
    return *s;
}

}  // namespace

bool truthy(const std::string& v) {
    return v == "1" || v == "true" || v == "on" || v == "yes";
}

SuggestionInput suggestionFromJson(const AgoraRequest& req) {
    json b = json::parse(std::string(req.body ? req.body : "", req.body_len), nullptr, false);
    if (req.body_len == 0)
        b = json::object();
    if (b.is_discarded() || !b.is_object())
        throw Fail(400, "bad_request", "the request body must be a JSON object");
    SuggestionInput in;
    auto text = [&](const char* name) -> std::optional<std::string> {
        auto it = b.find(name);
        if (it == b.end() || it->is_null())
            return std::nullopt;
        if (!it->is_string())
            throw Fail(422, "invalid", std::string(name) + " must be a string", name);
        return it->get<std::string>();
    };
    in.title = text("title");
    in.body = text("body");
    in.comment = text("comment").value_or("");
    if (auto it = b.find("tags"); it != b.end() && !it->is_null()) {
        if (it->is_string())
            in.tags = json::array({*it});
        else if (it->is_array() &&
                 std::all_of(it->begin(), it->end(), [](const json& t) { return t.is_string(); }))
            in.tags = *it;
        else
            throw Fail(422, "invalid", "tags must be a list of strings", "tags");
    }
    return in;
}

SuggestionInput suggestionFromForm(const Call& call, const PostRow& post) {
    SuggestionInput in;
    std::string v;
    if (post.is_question && call.input("title", v))
        in.title = v;
    if (call.input("body", v))
        in.body = v;
    if (post.is_question && call.input("tags", v))
        in.tags = json::array({v});
    if (call.input("comment", v))
        in.comment = v;
    return in;
}

SuggestionInput suggestionFromRequest(const Call& call, const AgoraRequest& req,
                                      const PostRow& post) {
    if (isForm(req))
        return suggestionFromForm(call, post);
    return suggestionFromJson(req);
}

bool isReviewer(const Call& call, const AgoraRequest& req) {
    if (!req.viewer_id)
        return false;
    return req.viewer_is_moderator || call.hasAbility("edit_posts");
}

ListViewer listViewer(const Call& call, const AgoraRequest& req) {
    return ListViewer{req.viewer_id, isReviewer(call, req), req.viewer_is_moderator != 0};
}

bool canSee(const Call& call, const AgoraRequest& req, const Suggestion& s) {
    if (!req.viewer_id)
        return false;
    bool involved = s.suggester_id == req.viewer_id || s.post_author_id == req.viewer_id;
    if (s.post_deleted)
        return req.viewer_is_moderator || s.post_author_id == req.viewer_id;
    return involved || isReviewer(call, req);
}

std::string reviewRefusal(const Call& call, const AgoraRequest& req, const Suggestion& s) {
    if (!req.viewer_id)
        return "unauthorized";
    if (s.suggester_id == req.viewer_id)
        return "own_suggestion";
    if (req.viewer_is_moderator || s.post_author_id == req.viewer_id ||
        call.hasAbility("edit_posts"))
        return "";
    return "ability_required:edit_posts";
}

Suggestion visibleSuggestion(const Call& call, const AgoraRequest& req, int64_t id) {
    requireSignedIn(req);
    auto s = SuggestionStore(call).find(id);
    if (!s || !canSee(call, req, *s))
        throw Fail(404, "not_found", "no suggested edit " + std::to_string(id));
    return *s;
}

PostRow postToSuggestOn(const Call& call, const AgoraRequest& req, int64_t post_id) {
    requireSignedIn(req);
    auto post = SuggestionStore(call).post(post_id);
    if (!post || (post->deleted && !req.viewer_is_moderator))
        throw Fail(404, "not_found", "no post " + std::to_string(post_id));
    if (post->locked && !req.viewer_is_moderator)
        throw Fail(403, "locked", "this post is locked: nobody but moderators may change it");
    if (post->author_id == req.viewer_id || req.viewer_is_moderator ||
        call.hasAbility("edit_posts"))
        throw Fail(409, "edit_directly",
                   "you can edit this post yourself: use Edit (/posts/" + std::to_string(post_id) +
                       "/edit) instead of suggesting");
    return *post;
}

DryRun dryRun(const Call& call, const AgoraRequest& req, const PostRow& post,
              const SuggestionInput& in) {
    json edit = {{"post_id", post.id},
                 {"comment", in.comment},
                 {"editor_id", req.viewer_id},
                 {"base_revision", post.revision},
                 {"dry_run", true}};
    if (in.title && post.is_question)
        edit["title"] = *in.title;
    if (in.body)
        edit["body"] = *in.body;
    if (in.tags && post.is_question)
        edit["tags"] = *in.tags;
    std::string result;
    if (call.editPost(edit.dump(), result) != AGORA_OK)
        failFromEdit(result);
    json stored = json::parse(result);
    DryRun d;
    if (post.is_question && stored.contains("title") && stored["title"] != post.title)
        d.title = stored["title"];
    if (stored.contains("body") && stored["body"] != post.body)
        d.body = stored["body"];
    if (post.is_question && stored.contains("tags") && stored["tags"].is_array() &&
        stored["tags"] != post.tags)
        d.tags = stored["tags"];
    return d;
}

int64_t suggest(const Call& call, const AgoraRequest& req, int64_t post_id,
                const SuggestionInput& in) {
    auto post = postToSuggestOn(call, req, post_id);
    std::string comment = requiredComment(in.comment, "an edit summary (what you changed and why)",
                                          intSetting(call, "limits.edit_comment_max", 255));
    SuggestionStore store(call);
    call.begin();
    // Read again inside the transaction: the base revision must be the one validated against.
    post = postToSuggestOn(call, req, post_id);
    if (auto pending = store.pendingOn(post_id))
        throw Fail(409, "suggestion_pending",
                   "suggested edit " + std::to_string(*pending) +
                       " is already pending on this post; it must be reviewed first");
    store.lockMember(req.viewer_id);
    bool established = call.hasAbility("unrestricted");
    // Core's suggested-edit limits, read as "still pending, made in the last 24 hours".
    int64_t limit = established
                        ? intSetting(call, "rate_limit.suggested_edits_per_day", 20)
                        : intSetting(call, "rate_limit.new_user.suggested_edits_per_day", 3);
    int64_t pending = store.pendingInLastDay(req.viewer_id);
    if (pending >= limit)
        throw Fail(429, "rate_limited",
                   "you have " + std::to_string(pending) +
                       " suggested edits from the last 24 hours still waiting for review (the "
                       "limit is " +
                       std::to_string(limit) + "); try again when some have been reviewed");
    auto d = dryRun(call, req, post, {in.title, in.body, in.tags, comment});
    if (!d.changes())
        throw Fail(422, "invalid", "the suggested edit changes nothing", "body");
    auto id = store.insert(
        NewSuggestion{post_id, req.viewer_id, post.revision, d.title, d.body, d.tags, comment});
    if (!id) {
        // Someone else's suggestion committed between our check and our insert.
        auto other = store.pendingOn(post_id);
        throw Fail(409, "suggestion_pending",
                   "suggested edit " + (other ? std::to_string(*other) : std::string("")) +
                       " is already pending on this post; it must be reviewed first");
    }
    std::string who = req.viewer_display_name ? req.viewer_display_name : "A member";
    std::string what = post.is_question ? "your question" : "your answer on";
    call.notify(post.author_id, "reviews.suggested",
                who + " suggested an edit to " + what + " \u201c" + post.thread_title + "\u201d",
                link(*id));
    call.commit();
    return *id;
}

void approve(const Call& call, const AgoraRequest& req, int64_t id, const std::string& raw) {
    requireSignedIn(req);
    std::string comment = optionalComment(raw, intSetting(call, "limits.comment_max", 600));
    call.begin();
    auto s = lockForDecision(call, req, id);
    // Core would apply it to a deleted post too; reviving content that way is not a review.
    if (s.post_deleted)
        throw Fail(409, "deleted", "the post was deleted: reject the suggestion instead");
    json edit = editRequest(s);
    edit["reviewer_id"] = req.viewer_id;
    std::string result;
    if (call.editPost(edit.dump(), result) != AGORA_OK) {
        json r = json::parse(result.empty() ? "{}" : result, nullptr, false);
        if (r.is_object() && r.contains("error") && r["error"].value("code", "") == "stale")
            throw Fail(409, "stale",
                       "the post was edited since this suggestion was made (revision " +
                           std::to_string(s.base_revision) + ", now " +
                           std::to_string(s.current_revision) +
                           "); compare the versions and reject it as outdated");
        failFromEdit(result);
    }
    int64_t revision = json::parse(result).value("revision", int64_t{0});
    SuggestionStore store(call);
    if (!store.approve(id, req.viewer_id, comment, revision))
        throw Fail(409, "already_decided",
                   "suggested edit " + std::to_string(id) + " was decided meanwhile");
    call.publish("edit.approved", json{{"member_id", s.suggester_id},
                                       {"suggested_edit_id", id},
                                       {"post_id", s.post_id},
                                       {"reviewer_id", req.viewer_id}}
                                      .dump());
    std::string who = req.viewer_display_name ? req.viewer_display_name : "a reviewer";
    call.notify(
        s.suggester_id, "reviews.approved",
        withComment("Your suggested edit to the " + postLabel(s) + " was approved by " + who,
                    comment),
        link(id));
    call.commit();
}

void reject(const Call& call, const AgoraRequest& req, int64_t id, const std::string& raw,
            bool outdated) {
    requireSignedIn(req);
    int64_t max = intSetting(call, "limits.comment_max", 600);
    call.begin();
    auto s = lockForDecision(call, req, id);
    std::string comment = requiredComment(raw, "a comment for the suggester", max);
    if (outdated && !s.stale())
        throw Fail(422, "invalid",
                   "the post hasn't changed since this suggestion was made: it isn't outdated",
                   "outdated");
    SuggestionStore store(call);
    if (!store.reject(id, req.viewer_id, comment, outdated))
        throw Fail(409, "already_decided",
                   "suggested edit " + std::to_string(id) + " was decided meanwhile");
    // Outdated is nobody's fault: it doesn't count against the suggester's edit record.
    if (!outdated)
        call.publish("edit.rejected", json{{"member_id", s.suggester_id},
                                           {"suggested_edit_id", id},
                                           {"post_id", s.post_id},
                                           {"reviewer_id", req.viewer_id}}
                                          .dump());
    std::string who = req.viewer_display_name ? req.viewer_display_name : "a reviewer";
    std::string how = outdated ? " was closed as outdated (the post changed after you suggested "
                                 "it; this doesn't count against you) by "
                               : " was rejected by ";
    call.notify(s.suggester_id, "reviews.rejected",
                withComment("Your suggested edit to the " + postLabel(s) + how + who, comment),
                link(id));
    call.commit();
}

void retract(const Call& call, const AgoraRequest& req, int64_t id) {
    requireSignedIn(req);
    call.begin();
    SuggestionStore store(call);
    auto s = store.find(id, true);
    if (!s || !canSee(call, req, *s))
        throw Fail(404, "not_found", "no suggested edit " + std::to_string(id));
    if (s->suggester_id != req.viewer_id)
        throw Fail(403, "not_suggester", "only the member who suggested an edit may retract it");
    if (!s->pending() || !store.retract(id))
        throw Fail(409, "already_decided",
                   "suggested edit " + std::to_string(id) + " was already " + s->state);
    call.commit();
}

}  // namespace agora::reviews
