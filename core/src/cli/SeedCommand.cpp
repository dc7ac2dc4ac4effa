#include <iostream>

#include "app/App.h"
#include "cli/Command.h"
#include "seed/Seeder.h"

namespace agora::cli {

namespace {

int tenantSeed(const Args& args) {
    SeedOptions o;
    auto slug = args.pos(0, "SLUG");
    o.posts = args.integer("posts", 1000);
    o.members = args.integer("members", 0);
    o.heavy_member_posts = args.integer("heavy-member-posts", 0);
    o.showcase = args.has("showcase");
    App app(Config::load(), 2);
    Progress progress("seed " + slug);
    auto result = Seeder(app).run(slug, o, [&](const std::string& step) { progress.update(step); });
    progress.done("done in " + std::to_string(result["seconds"].get<double>()) + " s");
    if (args.has("json"))
        std::cout << result.dump() << "\n";
    else
        std::cout << "seeded " << slug << ": " << result["posts_total"] << " posts, "
                  << result["votes_total"] << " votes, " << result["comments_total"]
                  << " comments, " << result["members"] << " new members\n";
    return 0;
}

}  // namespace

void addSeedCommands(std::vector<Command>& commands) {
    commands.push_back(
        {"tenant seed",
         "SLUG --posts N [--members M] [--heavy-member-posts K] [--showcase] [--json]",
         "fill a community with generated members, questions, answers, votes and comments",
         {"posts", "members", "heavy-member-posts"},
         {"showcase", "json"},
         tenantSeed});
}

}  // namespace agora::cli
