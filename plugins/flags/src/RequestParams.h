#pragma once

#include <optional>
#include <string>

#include "Sql.h"

namespace agora::flags {

// Parameters of the request being served.
struct Params {
    json path;   // {name} segments
    json query;  // decoded query string

    static Params of(const AgoraRequest& req);
    // A positive numeric path segment; 404 otherwise (also for another tenant's ids, which
    // simply don't exist in this tenant's schema).
    int64_t id(const std::string& name) const;
    // A query parameter, "" when absent.
    std::string queryText(const std::string& name) const;
    // ?page= and ?per_page= (<= 100); 422 naming the parameter when malformed.
    int64_t page() const;
    int64_t perPage() const;
};

void requireSignedIn(const AgoraRequest& req);
void requireModerator(const AgoraRequest& req);
void requireAdmin(const AgoraRequest& req);

// A text input from a JSON body or a form, trimmed; nullopt when absent.
std::optional<std::string> textInput(const Call& call, const std::string& name);
// A trimmed text input of at most `max` characters (422 naming it otherwise); "" when absent.
std::string boundedInput(const Call& call, const std::string& name, size_t max);

// {"items", "page", "per_page", "total"} (SPEC §4 lists).
json listJson(json items, int64_t page, int64_t per_page, int64_t total);

}  // namespace agora::flags
