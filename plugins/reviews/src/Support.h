#pragma once

#include <agora/plugin_json.hpp>

#include <optional>
#include <string>

namespace agora::reviews {

// json, Call, Fail, args, rows, iso, dump, Params and the require* guards: the plugin SDK's.
using namespace plugin;

// Characters, not bytes: core's limits count UTF-8 code points.
inline size_t charCount(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

inline std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// An integer tenant setting (core's or ours), `fallback` when it has no value.
inline int64_t intSetting(const Call& call, const std::string& key, int64_t fallback) {
    auto all = json::parse(call.settings(key));
    auto it = all.find(key);
    return it != all.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

// Tags as one line of text, as the form shows them and the diff compares them.
inline std::string tagsText(const json& tags) {
    std::string out;
    if (tags.is_array())
        for (const auto& t : tags)
            if (t.is_string())
                out += (out.empty() ? "" : " ") + t.get<std::string>();
    return out;
}

// True for a form post (the pages) rather than a JSON body (the API).
inline bool isForm(const AgoraRequest& req) {
    std::string ct = req.content_type ? req.content_type : "";
    // Multipart bodies are neither: the host reads url-encoded forms only, so they get 400.
    return ct.rfind("application/x-www-form-urlencoded", 0) == 0;
}

// One input by name from a form or a JSON body; a JSON true/number comes back as its text.
// JSON is parsed here so a malformed body is a 400, not a failed host call.
inline std::optional<std::string> inputText(const Call& call, const AgoraRequest& req,
                                            const std::string& name) {
    if (isForm(req)) {
        std::string v;
        if (!call.input(name, v))
            return std::nullopt;
        return v;
    }
    if (req.body_len == 0)
        return std::nullopt;
    json b = json::parse(std::string(req.body, req.body_len), nullptr, false);
    if (b.is_discarded() || !b.is_object())
        throw Fail(400, "bad_request", "the request body must be a JSON object");
    auto it = b.find(name);
    if (it == b.end() || it->is_null())
        return std::nullopt;
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_boolean() || it->is_number())
        return it->dump();
    throw Fail(422, "invalid", name + " must be a string", name);
}

// Rolls back whatever the route left open, if anything: used before re-rendering a page after
// a refusal, so its reads don't run in an aborted transaction.
inline void abandon(const Call& call) {
    call.api()->db_rollback(call.raw());  // AGORA_ERR_STATE when none is open: nothing to do
}

}  // namespace agora::reviews
