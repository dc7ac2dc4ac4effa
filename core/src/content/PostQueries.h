#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "accounts/TenantSession.h"
#include "content/PermissionService.h"

namespace agora {

using json = nlohmann::json;

struct ListQuery {
    std::string sort = "activity";  // activity | newest | score
    std::string tag;
    int64_t page = 1;
    int64_t per_page = 30;

    // From query parameters, validated: 422 naming the parameter that is out of range.
    static ListQuery parse(const std::map<std::string, std::string>& params);
};

// Reads for pages and the API. Each function issues a fixed number of statements, whatever
// the number of answers or comments (no N+1): pages stay fast on big threads.
class PostQueries {
public:
    PostQueries(TenantSession& session, PermissionService& permissions)
        : session_(session), permissions_(permissions) {}

    json listQuestions(const ListQuery& q);
    // The question with answers (by score) and every comment; 404 when absent or hidden.
    json question(int64_t id);
    json post(int64_t id);
    json history(int64_t id);
    json member(int64_t id);
    json memberPosts(int64_t id, int64_t page, int64_t per_page);
    json comment(int64_t id);
    json tags(int64_t page, int64_t per_page);
    json closeReasons();

private:
    bool canSeeDeleted(int64_t author_id);
    TenantSession& session_;
    PermissionService& permissions_;
};

}  // namespace agora
