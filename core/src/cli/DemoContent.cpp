#include "cli/DemoContent.h"

#include "accounts/AccountService.h"
#include "accounts/TenantSession.h"
#include "content/PostService.h"

namespace agora::cli {

namespace {

struct DemoAnswer {
    const char* author;
    const char* body;
    std::vector<const char*> voters;
};

struct DemoQuestion {
    const char* author;
    const char* title;
    const char* body;
    std::vector<std::string> tags;
    std::vector<const char*> voters;
    std::vector<DemoAnswer> answers;
    const char* comment_author;
    const char* comment;
};

// Content goes through PostService like any member's, so counters, revisions and events are
// exactly what live activity produces. Authors are the demo admins and moderators: they are
// exempt from new-member rate limits.
std::vector<DemoQuestion> contentFor(const std::string& slug) {
    if (slug == "cooking")
        return {
            {"alice",
             "How long should bread dough rest before shaping?",
             "I'm making a simple white loaf (flour, water, salt, instant yeast). The recipe says "
             "\"let it rest until doubled\" but my kitchen is cold.\n\nIs there a **rule of "
             "thumb** for time versus temperature?",
             {"bread", "dough", "yeast"},
             {"bob"},
             {{"bob",
               "Go by the dough, not the clock. At 24 °C a lean dough with instant yeast doubles "
               "in about an hour; at 18 °C expect two or more.\n\n- Poke test: a floured "
               "finger dent should spring back slowly.\n- For flavour, retard it in the fridge "
               "overnight.",
               {"alice"}}},
             "bob",
             "A proofing box or an oven with just the light on works well in winter."},
            {"bob",
             "Why does my cast-iron pan turn sticky after seasoning?",
             "I wiped on vegetable oil and baked it at 200 °C for an hour. The surface is now "
             "tacky and brownish. What went wrong?",
             {"cast-iron", "seasoning"},
             {"alice"},
             {{"alice",
               "Too much oil. Wipe it on, then wipe it **off** as if you made a mistake: the "
               "thinnest film polymerises fully. Bake an hour above the oil's smoke point and "
               "repeat three or four times.",
               {"bob"}}},
             "alice",
             "Flaxseed oil looks great at first but tends to flake later, in my experience."},
        };
    if (slug == "writing")
        return {
            {"alice",
             "How do I keep a consistent voice across chapters written months apart?",
             "I draft in bursts. Reading the book back, early chapters sound like a different "
             "narrator than the later ones. How do other writers handle this?",
             {"voice", "revision"},
             {"erin"},
             {{"erin",
               "Keep a one-page *voice sheet*: sample sentences, words the narrator would never "
               "use, rhythm notes. Reread it before each session, and revise the early chapters "
               "last, once the voice has settled.",
               {"alice"}}},
             "erin",
             "Reading a page aloud before you start writing helps too."},
            {"erin",
             "Is it acceptable to start a novel with dialogue?",
             "Every craft book seems to warn against opening with dialogue, but many novels I love "
             "do exactly that. Is the advice outdated?",
             {"openings", "dialogue"},
             {"alice"},
             {{"alice",
               "The warning is about context, not dialogue. An opening line of speech works when "
               "it tells us who is speaking, to whom, and why it matters — fast.",
               {"erin"}}},
             "alice",
             "Le Guin's *The Left Hand of Darkness* opens with a report, not a scene; still "
             "gripping."},
        };
    return {};
}

Viewer viewerFor(db::PgConnection& c, const Tenant& t, const std::string& username) {
    auto r =
        c.q("SELECT a.id, a.username, a.display_name, coalesce(m.role, 'member') FROM "
            "network.accounts a LEFT JOIN members m ON m.id = a.id WHERE a.username = $1",
            username);
    Viewer v;
    if (r.empty())
        return v;
    v.account_id = r.i64(0, 0);
    v.username = r.str(0, 1);
    v.display_name = r.str(0, 2);
    v.role = parseRole(r.str(0, 3)).value_or(Role::Member);
    v.auth = AuthKind::Cli;
    return v;
}

}  // namespace

int seedDemoContent(App& app, const Tenant& tenant) {
    auto content = contentFor(tenant.slug);
    if (content.empty())
        return 0;
    {
        auto lease = app.pool().acquire();
        lease->useSchema(tenant.schema);
        // Idempotent: a community that already has questions keeps what it has.
        if (lease->q("SELECT questions FROM site_counters WHERE id = 1").i64(0, 0) > 0)
            return 0;
    }
    int created = 0;
    auto as = [&](const std::string& username, const auto& fn) {
        TenantSession session(app.pool(), app.settings(), app.directory().bySlug(tenant.slug));
        session.setViewer(viewerFor(session.db(), tenant, username));
        if (!session.viewer().signedIn())
            return;
        PostService service(session, app.content());
        fn(service);
    };
    for (const auto& q : content) {
        int64_t qid = 0;
        as(q.author, [&](PostService& s) {
            PostDraft d;
            d.title = q.title;
            d.body = q.body;
            d.tags = q.tags;
            qid = s.ask(d);
        });
        if (!qid)
            continue;
        ++created;
        for (const auto* voter : q.voters)
            as(voter, [&](PostService& s) { s.vote(qid, 1); });
        for (const auto& a : q.answers) {
            int64_t aid = 0;
            as(a.author, [&](PostService& s) {
                PostDraft d;
                d.body = a.body;
                aid = s.answer(qid, d);
            });
            for (const auto* voter : a.voters)
                as(voter, [&](PostService& s) { s.vote(aid, 1); });
        }
        as(q.comment_author, [&](PostService& s) { s.comment(qid, q.comment); });
    }
    return created;
}

}  // namespace agora::cli
