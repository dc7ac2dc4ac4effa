#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "accounts/TenantSession.h"
#include "content/ContentServices.h"
#include "content/PermissionService.h"

namespace agora {

using json = nlohmann::json;

struct PostDraft {
    std::optional<std::string> title;
    std::optional<std::string> body;
    std::optional<std::vector<std::string>> tags;
    std::string comment;                   // edit summary
    std::optional<int64_t> base_revision;  // 409 when the post moved on since
    // `body` rendered ahead of the transaction (edit() does it), so no lock waits on Markdown.
    std::optional<std::string> body_html;
};

// Who a revision is credited to: the editor, and for an approved suggestion the reviewer.
struct EditCredit {
    int64_t editor_id = 0;
    std::optional<int64_t> reviewer_id;
};

// What an edit stores (or, for a dry run, would store).
struct EditOutcome {
    std::optional<std::string> title;  // questions only
    std::string body;
    std::vector<std::string> tags;
    int64_t revision = 0;
};

// Every write members make to posts. Each public function is one transaction: validation and
// permission checks first, then the rows, the counters and the events, then COMMIT.
class PostService {
public:
    PostService(TenantSession& session, ContentServices services)
        : session_(session), services_(services) {}

    int64_t ask(const PostDraft& draft);
    int64_t answer(int64_t question_id, const PostDraft& draft);
    void edit(int64_t post_id, const PostDraft& draft);
    // The edit itself, inside the caller's open transaction and without a permission check
    // (the caller decided who may: the viewer's permission for a direct edit, a plugin's rules
    // for an approved suggestion, which is credited to its suggester). Validates everything a
    // direct edit does; a stale base revision is a conflict. A dry run validates and returns
    // what would be stored, writing nothing.
    // `post` comes from facts(id, true): the row is locked by the caller's transaction.
    EditOutcome applyEdit(const PostFacts& post, const PostDraft& draft, const EditCredit& credit,
                          bool dry_run = false);
    // Returns {score, my_vote}.
    std::pair<int64_t, int> vote(int64_t post_id, int value);
    std::pair<int64_t, int> unvote(int64_t post_id);
    int64_t comment(int64_t post_id, const std::string& body);
    void close(int64_t post_id, const std::string& reason);
    void reopen(int64_t post_id);
    void setDeleted(int64_t post_id, bool deleted);
    void setLocked(int64_t post_id, bool locked);
    // The HTML a body would get, for the preview buttons of the ask and edit forms: signed-in
    // members only, rate limited per member and per address, the body's maximum length and
    // the Markdown limits checked before anything is rendered. Writes nothing.
    std::string preview(const std::string& body);

    // Loads the facts a permission decision needs; 404 for ids not in this tenant.
    PostFacts facts(int64_t post_id, bool for_update = false);
    // Splits and normalises tags ("Baking  bread" → ["baking", "bread"]), validating each.
    std::vector<std::string> normaliseTags(const std::vector<std::string>& raw) const;

private:
    // `limit` names the limits.<limit>_min / _max settings; errors name `field`.
    void checkLength(const std::string& field, const std::string& what, const std::string& text,
                     const std::string& limit) const;
    void validateTitle(const std::string& title) const;
    void validateBody(const std::string& body) const;
    // Only the upper bound of a body's length: a short draft may still be previewed.
    void validateBodyMax(const std::string& body) const;
    void rateLimit(const std::string& action, const std::string& history_sql);
    void addTags(int64_t post_id, const std::vector<std::string>& tags);
    void removeTags(int64_t post_id, const std::vector<std::string>& tags);
    void event(const std::string& name, json payload);
    void commit(db::Transaction& tx);

    TenantSession& session_;
    ContentServices services_;
};

// good = more up- than down-votes, bad = fewer; tied posts count neither way.
int postClass(int64_t up, int64_t down);

}  // namespace agora
