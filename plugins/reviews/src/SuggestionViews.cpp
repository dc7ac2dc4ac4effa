#include "SuggestionViews.h"

namespace agora::reviews {

namespace {

std::string text(const json& v) {
    return v.is_string() ? v.get<std::string>() : "";
}

// A version of the post: {title, body, tags}.
json version(const json& title, const json& body, const json& tags) {
    return {{"title", title}, {"body", body}, {"tags", tags.is_array() ? tags : json::array()}};
}

json current(const Suggestion& s) {
    const auto& r = s.row;
    return version(r["current_title"], r["current_body"], r["current_tags"]);
}

// The post when the suggestion was made; the current post if that revision can't be found.
json base(const Suggestion& s) {
    const auto& r = s.row;
    if (r["base_body"].is_null())
        return current(s);
    return version(r["base_title"], r["base_body"], r["base_tags"]);
}

json suggested(const Suggestion& s) {
    json v = base(s);
    const auto& r = s.row;
    for (const char* f : {"title", "body", "tags"})
        if (!r[f].is_null())
            v[f] = r[f];
    return v;
}

json fieldDiff(const Call& call, const std::string& field, const json& before, const json& after) {
    bool tags = field == "tags";
    std::string a = tags ? tagsText(before) : text(before);
    std::string b = tags ? tagsText(after) : text(after);
    return {{"before", before}, {"after", after}, {"diff", call.diffHtml(a, b)}};
}

json person(const json& id, const json& name) {
    if (id.is_null())
        return nullptr;
    return {{"id", id}, {"display_name", name}};
}

}  // namespace

json suggestionJson(const Call& call, const Suggestion& s) {
    const auto& r = s.row;
    bool stale = s.pending() && s.stale();
    json before = s.pending() ? current(s) : base(s);
    json changes = json::object();
    for (const char* f : {"title", "body", "tags"})
        if (!r[f].is_null())
            changes[f] = fieldDiff(call, f, before[f], r[f]);
    return {{"id", s.id},
            {"post_id", s.post_id},
            {"post_type", r["post_type"]},
            {"question_id", r["question_id"]},
            {"question_title", r["thread_title"]},
            {"suggester", person(r["suggester_id"], r["suggester_name"])},
            {"state", s.state},
            {"comment", r["comment"]},
            {"created_at", r["created_at"]},
            {"decided_at", r["decided_at"]},
            {"reviewer", person(r["reviewer_id"], r["reviewer_name"])},
            {"review_comment", r["review_comment"]},
            {"outdated", r["outdated"]},
            {"stale", stale},
            {"base_revision", s.base_revision},
            {"current_revision", s.current_revision},
            {"applied_revision", r["applied_revision"]},
            {"changes", changes},
            {"url", "/review/suggested-edits/" + std::to_string(s.id)}};
}

json suggestionDetailJson(const Call& call, const Suggestion& s) {
    json out = suggestionJson(call, s);
    json b = base(s), c = current(s), sug = suggested(s);
    out["base"] = b;
    out["current"] = c;
    out["suggested"] = sug;
    out["three_way"] = nullptr;
    if (s.pending() && s.stale()) {
        // What others changed since (base → current) next to what was suggested (base →
        // suggested): the reviewer decides whether the suggestion still makes sense.
        json since = json::object(), proposed = json::object();
        for (const char* f : {"title", "body", "tags"}) {
            if (b[f] != c[f])
                since[f] = fieldDiff(call, f, b[f], c[f]);
            if (!s.row[f].is_null())
                proposed[f] = fieldDiff(call, f, b[f], sug[f]);
        }
        out["three_way"] = {{"base", b},
                            {"current", c},
                            {"suggested", sug},
                            {"changed_since", since},
                            {"suggested_changes", proposed}};
    }
    return out;
}

}  // namespace agora::reviews
