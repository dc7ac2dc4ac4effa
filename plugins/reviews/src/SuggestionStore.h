#pragma once

#include <optional>
#include <string>

#include "Support.h"

namespace agora::reviews {

// A post as a suggestion sees it (for answers, the thread's title and deletion count too).
struct PostRow {
    int64_t id = 0;
    bool is_question = false;
    int64_t author_id = 0;
    int64_t question_id = 0;
    std::string thread_title;
    json title;  // null for answers
    std::string body;
    json tags;  // array of strings
    int64_t revision = 0;
    bool locked = false;
    bool deleted = false;  // the post or its question
};

// One suggested edit with its post as it is now, the post at the suggestion's base revision
// and the names of the people involved: everything a view or a decision needs, in one row.
struct Suggestion {
    int64_t id = 0;
    int64_t post_id = 0;
    int64_t suggester_id = 0;
    int64_t base_revision = 0;
    std::string state;
    int64_t post_author_id = 0;
    bool post_deleted = false;
    bool post_locked = false;
    int64_t current_revision = 0;
    json row;  // every column of kSuggestionColumns

    bool pending() const { return state == "pending"; }
    // The post moved on since the suggestion was made.
    bool stale() const { return current_revision != base_revision; }
};

// What a new suggestion stores: only the fields that change (null = unchanged).
struct NewSuggestion {
    int64_t post_id = 0;
    int64_t suggester_id = 0;
    int64_t base_revision = 0;
    json title;  // string or null
    json body;   // string or null
    json tags;   // array or null
    std::string comment;
};

// Who asks, for the list's visibility rule.
struct ListViewer {
    int64_t id = 0;
    bool reviewer = false;   // edit_posts holders and moderators see every suggestion
    bool moderator = false;  // only they (and the author) see suggestions on deleted posts
};

// The suggested_edits table and the core tables it reads. SQL only; no permission decisions.
class SuggestionStore {
public:
    explicit SuggestionStore(const Call& call) : call_(call) {}

    std::optional<PostRow> post(int64_t id) const;
    // `lock`: FOR UPDATE of the suggestion row, so concurrent decisions queue behind each other.
    std::optional<Suggestion> find(int64_t id, bool lock = false) const;

    // Serialises one member's suggestions (transaction-scoped advisory lock), so simultaneous
    // requests can't both pass the rate limit.
    void lockMember(int64_t member_id) const;
    // The member's suggestions still pending that were made in the last 24 hours.
    int64_t pendingInLastDay(int64_t member_id) const;
    // The new row's id, or nullopt when the post already has a pending suggestion (the partial
    // unique index decides; ON CONFLICT keeps the transaction usable).
    std::optional<int64_t> insert(const NewSuggestion& s) const;
    std::optional<int64_t> pendingOn(int64_t post_id) const;

    // Each returns false when the row was no longer pending (nothing changed).
    bool approve(int64_t id, int64_t reviewer_id, const std::string& comment,
                 int64_t applied_revision) const;
    bool reject(int64_t id, int64_t reviewer_id, const std::string& comment, bool outdated) const;
    bool retract(int64_t id) const;

    // One page of suggestions in `state` that `viewer` may see; pending oldest first, decided
    // ones newest decision first.
    std::vector<Suggestion> list(const std::string& state, const ListViewer& viewer, int64_t page,
                                 int64_t per_page) const;
    int64_t count(const std::string& state, const ListViewer& viewer) const;
    // Pending suggestions `viewer` could act on (the header badge).
    int64_t actionable(const ListViewer& viewer) const;

private:
    const Call& call_;
};

}  // namespace agora::reviews
