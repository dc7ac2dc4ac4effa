#include "content/PermissionService.h"

#include "util/Error.h"

namespace agora {

const std::vector<std::string>& PermissionService::abilityIds() {
    static const std::vector<std::string> ids = {
        "everyone", "unrestricted", "edit_posts", "edit_tags", "flag_close", "flag_curate", "mod"};
    return ids;
}

void PermissionService::setResolver(std::string plugin, AbilityResolver resolver) {
    std::lock_guard lock(mu_);
    plugin_ = std::move(plugin);
    resolver_ = std::move(resolver);
}

AbilityAnswer PermissionService::ability(db::PgConnection& c, const Tenant& t, const Viewer& v,
                                         const std::string& ability) const {
    if (!v.signedIn())
        return {false, "sign in first"};
    if (v.isModerator())
        return {true, ""};
    if (auto it = v.ability_memo.find(ability); it != v.ability_memo.end())
        return {it->second.first, it->second.second};
    auto answer = resolve(c, t, v, ability);
    v.ability_memo[ability] = {answer.granted, answer.reason};
    return answer;
}

AbilityAnswer PermissionService::resolve(db::PgConnection& c, const Tenant& t, const Viewer& v,
                                         const std::string& ability) const {
    AbilityResolver resolver;
    {
        std::lock_guard lock(mu_);
        if (resolver_ && t.pluginEnabled(plugin_))
            resolver = resolver_;
    }
    if (resolver) {
        if (auto answer = resolver(c, t, v, ability))
            return *answer;
    }
    if (ability == "everyone")
        return {true, ""};
    return {false, "you need the " + ability + " ability"};
}

Decision PermissionService::decide(db::PgConnection& c, const Tenant& t, const Viewer& v,
                                   Action action, const PostFacts* post) const {
    auto allow = [] { return Decision{true, "", ""}; };
    auto deny = [](std::string code, std::string message) {
        return Decision{false, std::move(code), std::move(message)};
    };
    auto need = [&](const std::string& name) {
        auto a = ability(c, t, v, name);
        if (a.granted)
            return allow();
        return deny("ability_required:" + name, a.reason);
    };
    bool own = post && v.signedIn() && post->author_id == v.account_id;
    bool mod = v.isModerator();

    if (action == Action::ViewDeleted) {
        if (own || mod)
            return allow();
        return need("flag_curate");
    }
    if (!v.signedIn())
        return deny("unauthorized", "sign in to do that");
    if (post && post->deleted && action != Action::Undelete && action != Action::ViewDeleted &&
        !mod)
        return deny("deleted", "this post is deleted");
    if (post && post->locked && !mod && action != Action::Unlock)
        return deny("locked", "this post is locked");
    switch (action) {
        case Action::Ask:
        case Action::Comment:
        case Action::Vote:
            return need("everyone");
        case Action::Answer:
            if (post && post->closed)
                return deny("closed", "this question is closed");
            return need("everyone");
        case Action::Edit:
            if (own || mod)
                return allow();
            return need("edit_posts");
        case Action::Delete:
        case Action::Undelete:
            if (own || mod)
                return allow();
            return need("flag_curate");
        case Action::Close:
        case Action::Reopen:
            if (post && !post->is_question)
                return deny("not_a_question", "only questions can be closed");
            return need("flag_close");
        case Action::Lock:
        case Action::Unlock:
            return need("flag_curate");
        case Action::ViewDeleted:
            break;
    }
    return deny("forbidden", "not allowed");
}

void PermissionService::require(db::PgConnection& c, const Tenant& t, const Viewer& v,
                                Action action, const PostFacts* post) const {
    auto d = decide(c, t, v, action, post);
    if (d.allowed)
        return;
    if (d.code == "unauthorized")
        throw Error::unauthorized(d.message);
    if (d.code == "closed" || d.code == "deleted")
        throw Error::conflict(d.code, d.message);
    throw Error::forbidden(d.code, d.message);
}

std::vector<std::string> PermissionService::heldAbilities(db::PgConnection& c, const Tenant& t,
                                                          const Viewer& v) const {
    std::vector<std::string> out;
    if (!v.signedIn())
        return out;
    for (const auto& id : abilityIds()) {
        if (id == "mod" && !v.isModerator())
            continue;
        if (ability(c, t, v, id).granted)
            out.push_back(id);
    }
    return out;
}

}  // namespace agora
