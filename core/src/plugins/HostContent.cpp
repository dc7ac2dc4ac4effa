// Content services: edits a plugin proposes (edit_post) and the diff it shows.
#include "plugins/HostServices.h"

#include "content/PostEdits.h"
#include "content/PostService.h"
#include "http/RequestContext.h"
#include "util/TextDiff.h"

namespace agora::hostapi {

namespace {

// A refused edit, as the error a direct edit would have answered.
int editRefused(AgoraCall& c, const Error& e) {
    c.last_error = e.what();
    c.result = json{{"error",
                     {{"status", httpStatusFor(e.kind())},
                      {"code", e.code()},
                      {"message", e.what()},
                      {"field", e.field()}}}}
                   .dump();
    return errorMapping(e.kind()).plugin_status;
}

std::optional<std::string> optionalText(const json& in, const char* key) {
    auto it = in.find(key);
    if (it == in.end() || it->is_null())
        return std::nullopt;
    if (!it->is_string())
        throw Error::invalid(key, std::string(key) + " must be a string");
    return it->get<std::string>();
}

std::vector<std::string> tagsField(const json& in) {
    const auto& t = in["tags"];
    if (!t.is_array())
        throw Error::invalid("tags", "tags must be an array of strings");
    std::vector<std::string> out;
    for (const auto& v : t) {
        if (!v.is_string())
            throw Error::invalid("tags", "tags must be an array of strings");
        out.push_back(v.get<std::string>());
    }
    return out;
}

// The edit's fields as a draft; malformed ones are refused as a direct edit's would be.
PostDraft draftFromJson(const json& in) {
    PostDraft d;
    d.title = optionalText(in, "title");
    d.body = optionalText(in, "body");
    d.comment = optionalText(in, "comment").value_or("");
    if (in.contains("tags") && !in["tags"].is_null())
        d.tags = tagsField(in);
    if (in.contains("base_revision") && !in["base_revision"].is_null()) {
        if (!in["base_revision"].is_number_integer())
            throw Error::invalid("base_revision", "base_revision must be a number");
        d.base_revision = in["base_revision"].get<int64_t>();
    }
    return d;
}

}  // namespace

int editPost(AgoraCall* call, const char* edit_json, const char** result_json) {
    return service(call, [&](AgoraCall& c) {
        if (c.kind != AgoraCall::Kind::Request || !c.ctx)
            return needRequest(c, "edit_post");
        if (!result_json)
            return invalid(c, "edit_post needs an output pointer");
        if (!c.inTransaction())
            return stateError(c, "edit_post: open a transaction first (db_begin)");
        json in = json::parse(edit_json ? edit_json : "");
        if (!in.is_object() || !in.contains("post_id") || !in["post_id"].is_number_integer() ||
            !in.contains("editor_id") || !in["editor_id"].is_number_integer())
            return invalid(c, "edit_post needs {\"post_id\": N, \"editor_id\": N, …}");
        int64_t post_id = in["post_id"].get<int64_t>();
        EditCredit credit{in["editor_id"].get<int64_t>(), std::nullopt};
        if (in.contains("reviewer_id") && in["reviewer_id"].is_number_integer())
            credit.reviewer_id = in["reviewer_id"].get<int64_t>();
        bool dry_run = in.value("dry_run", false);
        // A refused edit must leave the plugin's transaction usable: run it in a savepoint.
        auto& db = c.db();
        db.exec("SAVEPOINT agora_edit_post");
        try {
            // Member input the plugin passed on: refused like a direct edit's bad fields.
            PostDraft d = draftFromJson(in);
            PostService posts(c.ctx->session(), c.ctx->services().content());
            auto f = posts.facts(post_id, true);
            refuseUneditableProposal(db, f);
            auto out = posts.applyEdit(f, d, credit, dry_run);
            db.exec("RELEASE SAVEPOINT agora_edit_post");
            json r = {{"revision", out.revision}};
            if (dry_run) {
                r["title"] = out.title ? json(*out.title) : json(nullptr);
                r["body"] = out.body;
                r["tags"] = out.tags;
            }
            c.result = r.dump();
        } catch (const Error& e) {
            db.exec("ROLLBACK TO SAVEPOINT agora_edit_post");
            if (e.kind() == ErrorCode::Invalid || e.kind() == ErrorCode::NotFound ||
                e.kind() == ErrorCode::Conflict) {
                int rc = editRefused(c, e);
                *result_json = c.result.c_str();
                return rc;
            }
            throw;
        }
        *result_json = c.result.c_str();
        return AGORA_OK;
    });
}

int diffHtmlService(AgoraCall* call, const char* before, const char* after, const char** html) {
    return service(call, [&](AgoraCall& c) {
        if (!html)
            return invalid(c, "diff_html needs an output pointer");
        c.result = diffHtml(before ? before : "", after ? after : "");
        *html = c.result.c_str();
        return AGORA_OK;
    });
}

}  // namespace agora::hostapi
