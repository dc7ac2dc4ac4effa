#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "accounts/Viewer.h"
#include "db/PgConnection.h"
#include "tenancy/Tenant.h"

namespace agora {

// What a member may do to a post. Every such question in the code goes through here.
enum class Action {
    Ask,
    Answer,
    Comment,
    Vote,
    Edit,
    Delete,
    Undelete,
    Close,
    Reopen,
    Lock,
    Unlock,
    ViewDeleted,
};

// The facts about a post a decision needs.
struct PostFacts {
    int64_t id = 0;
    int64_t author_id = 0;
    bool is_question = true;
    bool deleted = false;
    bool closed = false;
    bool locked = false;
};

struct AbilityAnswer {
    bool granted = false;
    std::string reason;  // why not, e.g. "suspended until 2026-12-01: …"
};

// Answers "does this member hold ability X here?". The abilities plugin installs one; where it
// isn't enabled core's defaults apply: moderators and admins hold every ability, everyone
// else holds only `everyone`.
using AbilityResolver = std::function<std::optional<AbilityAnswer>(
    db::PgConnection&, const Tenant&, const Viewer&, const std::string& ability)>;

struct Decision {
    bool allowed = false;
    std::string code;  // "ability_required:edit_posts", "locked", "unauthorized"…
    std::string message;
};

class PermissionService {
public:
    // The resolver answers only on tenants with `plugin` enabled.
    void setResolver(std::string plugin, AbilityResolver resolver);

    AbilityAnswer ability(db::PgConnection& c, const Tenant& t, const Viewer& v,
                          const std::string& ability) const;
    Decision decide(db::PgConnection& c, const Tenant& t, const Viewer& v, Action action,
                    const PostFacts* post) const;
    // Throws the 401/403/409 the decision implies.
    void require(db::PgConnection& c, const Tenant& t, const Viewer& v, Action action,
                 const PostFacts* post) const;
    std::vector<std::string> heldAbilities(db::PgConnection& c, const Tenant& t,
                                           const Viewer& v) const;

    static const std::vector<std::string>& abilityIds();
    // Forget answers memoised for this viewer (after a change to their grants mid-request).
    static void forget(const Viewer& v) { v.ability_memo.clear(); }

private:
    AbilityAnswer resolve(db::PgConnection& c, const Tenant& t, const Viewer& v,
                          const std::string& ability) const;
    mutable std::mutex mu_;
    std::string plugin_;
    AbilityResolver resolver_;
};

}  // namespace agora
