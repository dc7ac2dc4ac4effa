#pragma once

#include "Support.h"

namespace agora::reviews {

// The list's query parameters, validated (422 naming the parameter).
struct ListQuery {
    std::string state = "pending";
    int64_t page = 1;
    int64_t per_page = 30;

    static ListQuery of(const Params& p) {
        ListQuery q;
        if (auto s = p.queryParam("state"); s && !s->empty()) {
            if (*s != "pending" && *s != "approved" && *s != "rejected" && *s != "retracted")
                throw Fail(422, "invalid", "state must be pending, approved, rejected or retracted",
                           "state");
            q.state = *s;
        }
        q.page = number(p, "page", 1, 1000000);
        q.per_page = number(p, "per_page", 30, 100);
        return q;
    }

private:
    static int64_t number(const Params& p, const std::string& name, int64_t fallback, int64_t max) {
        auto v = p.queryParam(name);
        if (!v || v->empty())
            return fallback;
        if (v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos ||
            std::stoll(*v) < 1 || std::stoll(*v) > max)
            throw Fail(422, "invalid", name + " must be a number from 1 to " + std::to_string(max),
                       name);
        return std::stoll(*v);
    }
};

}  // namespace agora::reviews
