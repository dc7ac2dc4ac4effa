#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "services/Services.h"

namespace agora {

struct SeedOptions {
    int64_t posts = 1000;            // questions + answers
    int64_t members = 0;             // 0 = posts / 50, at least 20
    int64_t heavy_member_posts = 0;  // give one member this many posts (profile benchmarks)
    bool showcase = false;           // one question with exactly 20 answers and 40 comments
};

// Fills a tenant with realistic generated content in a few set-based statements (a 1M-post
// tenant in minutes): members of varying quality, questions with 0–30 answers, tags, votes that
// make some members good posters and others not, comments and initial revisions. Counters are
// computed once at the end from what was inserted, in the same transaction.
class Seeder {
public:
    explicit Seeder(Services& app) : app_(app) {}
    nlohmann::json run(const std::string& slug, const SeedOptions& options,
                       const std::function<void(const std::string&)>& progress);

private:
    Services& app_;
};

}  // namespace agora
