#include "FlagActions.h"

namespace agora::flags {

namespace {

json person(const json& row, const std::string& prefix, const std::string& id_column) {
    if (row[id_column].is_null())
        return nullptr;
    return {{"id", row[id_column]},
            {"username", row[prefix + "_username"]},
            {"display_name", row[prefix + "_display_name"]}};
}

FlagFacts factsOf(const json& row) {
    FlagFacts f;
    f.flagger_id = row["flagger_id"].get<int64_t>();
    f.confidential = row["confidential"].get<bool>();
    f.target_author_id = row["target_author_id"].get<int64_t>();
    f.escalated = !row["escalated_at"].is_null();
    f.pending = row["status"] == "pending";
    return f;
}

std::string quoted(const std::string& title) {
    return "\u201c" + excerpt(title, 80) + "\u201d";
}

// Which "post" a notification names: the question's title, and what on that page.
std::string targetPhrase(const json& row) {
    std::string what = !row["comment_id"].is_null()              ? "a comment on "
                       : row["on_post_id"] == row["question_id"] ? ""
                                                                 : "an answer to ";
    return what + quoted(row["question_title"].is_string()
                             ? row["question_title"].get<std::string>()
                             : std::string("a question"));
}

std::string targetLink(const json& row) {
    std::string page = "/questions/" + std::to_string(row["question_id"].get<int64_t>());
    if (!row["comment_id"].is_null())
        return page + "#comment-" + std::to_string(row["comment_id"].get<int64_t>());
    return page + "#post-" + std::to_string(row["on_post_id"].get<int64_t>());
}

// The rate limit per 24 hours: core's flag limits (rate_limit.flags_per_day and its
// new-member twin, shown with the other rate limits on /admin); "new" = without unrestricted.
int64_t dailyLimit(const Call& call) {
    bool established = call.hasAbility("unrestricted");
    std::string key =
        established ? "rate_limit.flags_per_day" : "rate_limit.new_user.flags_per_day";
    json s = json::parse(call.settings(key));
    auto it = s.find(key);
    return it != s.end() && it->is_number_integer() ? it->get<int64_t>() : (established ? 30 : 10);
}

void requireHandler(const Call& call, const FlagViewer& viewer) {
    if (viewer.moderator || viewer.curator)
        return;
    std::string why;
    call.hasAbility("flag_curate", &why);
    throw Fail(403, "ability_required:flag_curate",
               why.empty() ? "handling flags needs the flag_curate ability" : why);
}

// The flag, locked, if the viewer may act on it: 404 when they can't see it (or it isn't in
// this tenant), 403 when they see it but may not handle it.
LockedFlag lockForHandling(const FlagStore& store, const FlagViewer& viewer, int64_t id) {
    auto locked = store.lock(id);
    if (!locked || viewOf(viewer, locked->facts) == FlagView::None)
        throw Fail(404, "not_found", "no flag " + std::to_string(id));
    if (auto refusal = handleRefusal(viewer, locked->facts))
        throw Fail(refusal->status, refusal->code, refusal->message);
    return *locked;
}

}  // namespace

FlagViewer flagViewer(const Call& call, const AgoraRequest& req) {
    FlagViewer v;
    v.id = req.viewer_id;
    v.moderator = req.viewer_is_moderator != 0;
    v.curator = v.moderator || (v.id != 0 && call.hasAbility("flag_curate"));
    return v;
}

json flagJson(const json& row, FlagView view) {
    // Deleted content stays readable only to those who may see deleted posts (handlers).
    bool hidden = view != FlagView::Handler && row["target_deleted"].get<bool>();
    std::string excerpt_text =
        hidden ? std::string() : excerpt(row["target_text"].get<std::string>(), 200);
    json target = {{"kind", row["comment_id"].is_null() ? "post" : "comment"},
                   {"id", row["comment_id"].is_null() ? row["post_id"] : row["comment_id"]},
                   {"post_id", row["on_post_id"]},
                   {"question_id", row["question_id"]},
                   {"title", row["question_title"]},
                   {"excerpt", excerpt_text},
                   {"link", targetLink(row)},
                   {"deleted", row["target_deleted"]},
                   {"author", person(row, "target_author", "target_author_id")}};
    json j = {{"id", row["id"]},
              {"type",
               {{"id", row["type_id"]},
                {"name", row["type_name"]},
                {"confidential", row["confidential"]}}},
              {"target", target},
              {"reason", row["reason"]},
              {"status", row["status"]},
              {"message", row["message"]},
              {"created_at", row["created_at"]},
              {"handled_at", row["handled_at"]},
              {"age_seconds", row["age_seconds"]},
              {"flagger", person(row, "flagger", "flagger_id")}};
    if (view == FlagView::Handler) {
        j["escalated"] = !row["escalated_at"].is_null();
        j["escalated_at"] = row["escalated_at"];
        j["escalated_by"] = person(row, "escalated_by", "escalated_by");
        j["escalation_comment"] = row["escalation_comment"];
        j["handler"] = person(row, "handler", "handler_id");
    }
    return j;
}

json raiseFlag(const Call& call, const AgoraRequest& req, TargetKind kind, int64_t target_id) {
    requireSignedIn(req);
    auto type_ref = textInput(call, "type");
    std::string reason = textInput(call, "reason").value_or("");
    call.begin();
    FlagStore store(call);
    auto target = store.target(kind, target_id);
    if (!target)
        throw Fail(404, "not_found",
                   std::string("no ") + (kind == TargetKind::Post ? "post " : "comment ") +
                       std::to_string(target_id));
    if (target->author_id == req.viewer_id)
        throw Fail(403, kind == TargetKind::Post ? "own_post" : "own_comment",
                   std::string("you can't flag your own ") + target->kindName() +
                       "; edit or delete it instead");
    if (!type_ref || type_ref->empty())
        throw Fail(422, "invalid", "choose a flag type", "type");
    auto type = FlagTypeStore(call).findByIdOrName(*type_ref);
    if (!type || !type->active)
        throw Fail(422, "invalid", "no flag type \"" + *type_ref + "\" here", "type");
    if (!type->appliesTo(kind))
        throw Fail(422, "invalid",
                   "\"" + type->name + "\" can't be used on a " + target->kindName(), "type");
    if (type->requires_details && reason.empty())
        throw Fail(422, "invalid", "\"" + type->name + "\" needs a reason: say what is wrong",
                   "reason");
    if (utf8Length(reason) > kMaxReason)
        throw Fail(422, "invalid",
                   "reason must be at most " + std::to_string(kMaxReason) + " characters",
                   "reason");

    store.lockMember(req.viewer_id);
    if (auto pending = store.pendingFlagId(req.viewer_id, *target))
        throw Fail(409, "flag_pending",
                   "you already have a pending flag on this " + std::string(target->kindName()) +
                       " (flag " + std::to_string(*pending) + ")");
    int64_t limit = dailyLimit(call);
    if (store.flagsInLastDay(req.viewer_id) >= limit)
        throw Fail(
            429, "rate_limited",
            "you can raise " + std::to_string(limit) + " flags in 24 hours here; try again later");
    auto id = store.insert(type->id, req.viewer_id, *target, reason);
    if (!id) {
        // Only a writer that got past the lock above could have won; say which flag it was.
        auto pending = store.pendingFlagId(req.viewer_id, *target);
        throw Fail(409, "flag_pending",
                   "you already have a pending flag on this " + std::string(target->kindName()) +
                       (pending ? " (flag " + std::to_string(*pending) + ")" : std::string()));
    }
    json row = store.row(*id);
    call.commit();
    return flagJson(row, FlagView::Flagger);
}

json resolveFlag(const Call& call, const AgoraRequest& req, int64_t id) {
    requireSignedIn(req);
    FlagViewer viewer = flagViewer(call, req);
    requireHandler(call, viewer);
    std::string result = textInput(call, "result").value_or("");
    auto outcome = parseOutcome(result);
    if (!outcome)
        throw Fail(422, "invalid", "result must be helpful or declined", "result");
    std::string message = boundedInput(call, "message", kMaxMessage);

    call.begin();
    FlagStore store(call);
    auto locked = lockForHandling(store, viewer, id);
    if (!locked.facts.pending)
        throw Fail(409, "already_handled", "flag " + std::to_string(id) + " was already handled");
    store.resolve(id, *outcome, req.viewer_id, message);
    json row = store.row(id);
    int64_t flagger = locked.facts.flagger_id;
    // The abilities plugin counts these toward flag_close / flag_curate, in this transaction.
    call.publish(std::string("flag.") + outcomeName(*outcome),
                 dump({{"member_id", flagger}, {"flag_id", id}, {"handler_id", req.viewer_id}}));
    std::string text = "Your flag on " + targetPhrase(row) + " was marked " +
                       outcomeName(*outcome) + (message.empty() ? "." : ": " + message);
    call.notify(flagger, std::string("flag.") + outcomeName(*outcome), text, targetLink(row));
    call.audit("resolve", "flag:" + std::to_string(id), dump({{"status", "pending"}}),
               dump({{"status", outcomeName(*outcome)}, {"message", message}}));
    call.commit();
    return flagJson(row, FlagView::Handler);
}

json escalateFlag(const Call& call, const AgoraRequest& req, int64_t id) {
    requireSignedIn(req);
    FlagViewer viewer = flagViewer(call, req);
    requireHandler(call, viewer);
    std::string comment = boundedInput(call, "comment", kMaxMessage);
    if (comment.empty())
        throw Fail(422, "invalid", "say why moderators should look at it", "comment");

    call.begin();
    FlagStore store(call);
    auto locked = lockForHandling(store, viewer, id);
    if (!locked.facts.pending)
        throw Fail(409, "already_handled", "flag " + std::to_string(id) + " was already handled");
    if (locked.facts.escalated)
        throw Fail(409, "already_escalated",
                   "flag " + std::to_string(id) + " is already with the moderators");
    store.escalate(id, req.viewer_id, comment);
    json row = store.row(id);
    std::string who = req.viewer_display_name && *req.viewer_display_name ? req.viewer_display_name
                                                                          : req.viewer_username;
    std::string text =
        who + " escalated a flag on " + targetPhrase(row) + " to moderators: " + comment;
    // Every moderator and admin, in one statement however many a community has.
    json notes = json::array();
    for (int64_t m : store.moderators())
        if (m != req.viewer_id)
            notes.push_back({{"member_id", m},
                             {"kind", "flag.escalated"},
                             {"text", text},
                             {"link", "/mod/flags?status=escalated"}});
    call.notifyMany(dump(notes));
    call.audit("escalate", "flag:" + std::to_string(id), "", dump({{"comment", comment}}));
    call.commit();
    return flagJson(row, FlagView::Handler);
}

StatusFilter statusFilter(const Params& p) {
    auto f = parseStatusFilter(p.queryText("status"));
    if (!f)
        throw Fail(422, "invalid",
                   "status must be pending, helpful, declined, escalated or handled", "status");
    return *f;
}

json listFlags(const Call& call, const AgoraRequest& req, StatusFilter filter, bool mine,
               int64_t page, int64_t per_page) {
    requireSignedIn(req);
    FlagViewer viewer = flagViewer(call, req);
    ListScope scope = mine               ? ListScope::Own
                      : viewer.moderator ? ListScope::Everything
                      : viewer.curator   ? ListScope::Curated
                                         : ListScope::Own;
    // A flagger isn't told their flag was escalated: for their own flags "escalated" is
    // simply "pending".
    if (scope == ListScope::Own && !viewer.moderator && filter == StatusFilter::Escalated)
        filter = StatusFilter::Pending;
    int64_t total = 0;
    json items = json::array();
    for (const auto& row : FlagStore(call).list(scope, viewer.id, filter, page, per_page, total))
        items.push_back(flagJson(row, viewOf(viewer, factsOf(row))));
    return listJson(std::move(items), page, per_page, total);
}

json getFlag(const Call& call, const AgoraRequest& req, int64_t id) {
    requireSignedIn(req);
    FlagViewer viewer = flagViewer(call, req);
    json row = FlagStore(call).row(id);
    FlagView view = row.is_null() ? FlagView::None : viewOf(viewer, factsOf(row));
    if (view == FlagView::None)
        throw Fail(404, "not_found", "no flag " + std::to_string(id));
    return flagJson(row, view);
}

json flagSummary(const Call& call, const AgoraRequest& req, int64_t member_id) {
    requireModerator(req);
    auto member =
        rows(call, "SELECT id, username, display_name FROM members WHERE id = $1", args(member_id));
    if (member.empty())
        throw Fail(404, "not_found", "no member " + std::to_string(member_id));
    FlagStore store(call);
    return {{"member", member[0]},
            {"raised", store.raisedBy(member_id).toJson()},
            {"received", store.receivedBy(member_id).toJson()}};
}

}  // namespace agora::flags
