#pragma once

#include <optional>
#include <string>

#include "SuggestionStore.h"

namespace agora::reviews {

// What a member sent as a suggestion. Absent fields stay as they are.
struct SuggestionInput {
    std::optional<std::string> title;
    std::optional<std::string> body;
    std::optional<json> tags;  // array of strings; core splits "a b, c" inside an item
    std::string comment;
};

// A JSON body ({"title"?, "body"?, "tags"?: [..] or "a b", "comment"}); 400 when malformed.
SuggestionInput suggestionFromJson(const AgoraRequest& req);
// The suggest-edit form: tags in one text box.
SuggestionInput suggestionFromForm(const Call& call, const PostRow& post);
// Either, by the request's content type.
SuggestionInput suggestionFromRequest(const Call& call, const AgoraRequest& req,
                                      const PostRow& post);

// The post a suggestion is for, with the checks every suggester passes: signed in (401), the
// post exists and is visible (404), not locked (403 "locked"), and the member may not edit it
// directly (409 "edit_directly": the author, moderators and edit_posts holders just edit).
PostRow postToSuggestOn(const Call& call, const AgoraRequest& req, int64_t post_id);

// What the edit would store, validated by core without writing anything (422 naming the field
// when it is refused), and which fields it changes.
struct DryRun {
    json title, body, tags;  // the changed fields as core would store them; null = unchanged
    bool changes() const { return !title.is_null() || !body.is_null() || !tags.is_null(); }
};
DryRun dryRun(const Call& call, const AgoraRequest& req, const PostRow& post,
              const SuggestionInput& in);

// Reviewers of the whole queue: moderators and edit_posts holders.
bool isReviewer(const Call& call, const AgoraRequest& req);
ListViewer listViewer(const Call& call, const AgoraRequest& req);
// Reviewers see every suggestion; others the ones they made or that are on their posts.
// Suggestions on deleted posts: moderators and the post's author only.
bool canSee(const Call& call, const AgoraRequest& req, const Suggestion& s);
// Empty when the viewer may approve or reject `s`; else the 403's code.
std::string reviewRefusal(const Call& call, const AgoraRequest& req, const Suggestion& s);

// Each is one transaction; they return the suggestion's id.
int64_t suggest(const Call& call, const AgoraRequest& req, int64_t post_id,
                const SuggestionInput& in);
void approve(const Call& call, const AgoraRequest& req, int64_t id, const std::string& comment);
void reject(const Call& call, const AgoraRequest& req, int64_t id, const std::string& comment,
            bool outdated);
void retract(const Call& call, const AgoraRequest& req, int64_t id);

// A visible suggestion, else 404.
Suggestion visibleSuggestion(const Call& call, const AgoraRequest& req, int64_t id);

// "1", "true", "on" (a checkbox or a JSON true).
bool truthy(const std::string& v);

}  // namespace agora::reviews
