#include "seed/Seeder.h"

#include <chrono>

#include "util/Crypto.h"
#include "util/Error.h"

namespace agora {

namespace {

// Words for generated titles, bodies and tags.
const char* kWords =
    "{bread,dough,oven,salt,butter,knife,pan,sauce,garlic,onion,pepper,flour,sugar,yeast,rice,"
    "pasta,steak,chicken,fish,soup,stock,roast,bake,boil,simmer,fry,grill,season,taste,texture,"
    "crust,crumb,rest,proof,knead,whisk,fold,chop,slice,dice,heat,cool,freeze,store,fresh,dry,"
    "sharp,golden,crisp,tender,juicy,sweet,sour,bitter,spicy,smoky,rich,light,thick,thin,long,"
    "short,why,how,when,does,should,can,would,better,best,way,time,temperature,recipe,method,"
    "result,problem,question,answer,kitchen,cast-iron,stainless,ceramic,wooden,spoon,bowl,"
    "mixer,starter,sourdough,brine,marinade,vinegar,lemon,herbs,cheese,milk,cream,egg,chocolate}";

// Generated text: `count` random words (an SQL expression).
std::string randomWords(const std::string& count) {
    return "array_to_string(ARRAY(SELECT ('" + std::string(kWords) +
           "'::text[])[1 + floor(random() * 100)::int] FROM generate_series(1, " + count +
           ")), ' ')";
}

// One seeding, phase by phase, on the tenant's connection inside the caller's transaction.
// Generated rows are kept in temporary tables (seed_members, seed_tags, seed_q) that later
// phases join against.
struct SeedRun {
    db::PgConnection& c;
    const SeedOptions& o;
    int64_t members;
    int64_t heavy = 0;  // the first member: the one given heavy_member_posts

    void addMembers(int64_t tenant_id);
    void addTags();
    void addQuestions(int64_t questions);
    void addAnswers(int64_t answers_left);
    int64_t addShowcase();  // one question with exactly 20 answers and 40 comments: its id
    void addVotes();
    void addComments();
    void addRevisionsAndTags();
    void recount();

    // Author: the heavy member with probability heavy_share, else skewed towards early members
    // (a few prolific posters, a long tail of occasional ones). Random picks are made in the
    // row source (`pick`, `who`, from draw()) so each row draws once.
    std::string author() const;
    std::string draw() const;
};

void SeedRun::addMembers(int64_t tenant_id) {
    std::string batch = crypto::randomToken(3);
    for (auto& ch : batch)
        if (ch == '_' || ch == '-')
            ch = 'x';
    std::string password_hash = crypto::hashPassword("seeded-member");
    // Each member gets a quality in [0,1]: how well their posts are received.
    c.exec(
        "CREATE TEMP TABLE seed_members ON COMMIT DROP AS SELECT 0::bigint AS id, 0.0::float8 "
        "AS quality, 0 AS n WITH NO DATA");
    c.execParams(
        "WITH a AS (INSERT INTO network.accounts (username, email, password_hash, display_name) "
        "  SELECT 's' || $1 || '-' || g, 's' || $1 || '-' || g || '@seed.invalid', $2, "
        "         initcap((" +
            std::string("$3::text[]") +
            ")[1 + (g * 7) % 100]) || ' ' || "
            "         initcap(($3::text[])[1 + (g * 13) % 100]) || ' ' || g "
            "  FROM generate_series(1, $4::bigint) g RETURNING id) "
            "INSERT INTO seed_members SELECT id, random(), row_number() OVER (ORDER BY id) FROM a",
        {batch, password_hash, kWords, std::to_string(members)});
    c.execParams(
        "INSERT INTO network.memberships (account_id, tenant_id) SELECT id, $1 FROM seed_members",
        {std::to_string(tenant_id)});
    c.exec(
        "INSERT INTO members (id, username, display_name) SELECT a.id, a.username, a.display_name "
        "FROM seed_members s JOIN network.accounts a ON a.id = s.id");
    c.exec("CREATE UNIQUE INDEX ON seed_members (n); ANALYZE seed_members");
    heavy = c.exec("SELECT id FROM seed_members ORDER BY n LIMIT 1").i64(0, 0);
}

void SeedRun::addTags() {
    c.exec(
        "CREATE TEMP TABLE seed_tags ON COMMIT DROP AS SELECT w AS name, row_number() OVER () "
        "AS n FROM unnest('" +
        std::string(kWords) + "'::text[]) w");
    c.exec("INSERT INTO tags (name) SELECT name FROM seed_tags ON CONFLICT (name) DO NOTHING");
}

std::string SeedRun::author() const {
    double heavy_share = o.heavy_member_posts > 0
                             ? std::min(1.0, static_cast<double>(o.heavy_member_posts) /
                                                 static_cast<double>(o.posts))
                             : 0.0;
    return "CASE WHEN pick < " + std::to_string(heavy_share) + " THEN " + std::to_string(heavy) +
           " ELSE (SELECT id FROM seed_members sm WHERE sm.n = who) END";
}

std::string SeedRun::draw() const {
    return "random() AS pick, 1 + floor(power(random(), 1.6) * " + std::to_string(members) +
           ")::int AS who";
}

void SeedRun::addQuestions(int64_t questions) {
    c.exec(
        "CREATE TEMP TABLE seed_q ON COMMIT DROP AS SELECT 0::bigint AS id, 0 AS answers WITH NO "
        "DATA");
    c.exec(
        "WITH q AS (INSERT INTO posts (post_type, author_id, title, body_md, body_html, tags, "
        "created_at, last_activity_at) "
        "SELECT 'question', " +
        author() + ", initcap(" + randomWords("6 + g % 7") +
        ") || '?', b, "
        "'<p>' || b || '</p>', t, ts, ts FROM ("
        "  SELECT g, " +
        draw() + ", " + randomWords("30 + g % 60") +
        " AS b, "
        "    ARRAY(SELECT DISTINCT name FROM seed_tags WHERE n IN (1 + (g * 7) % 100, "
        "          1 + (g * 11) % 100, 1 + (g * 17) % 100) AND n <= 1 + (g % 3) * 40 + 20) AS t, "
        "    now() - (random() * interval '700 days') AS ts "
        "  FROM generate_series(1, " +
        std::to_string(questions) +
        ") g) s "
        "RETURNING id) "
        "INSERT INTO seed_q SELECT id, floor(power(random(), 8) * 31)::int FROM q");
}

void SeedRun::addAnswers(int64_t answers_left) {
    c.exec(
        "INSERT INTO posts (post_type, parent_id, author_id, body_md, body_html, created_at, "
        "last_activity_at) "
        "SELECT 'answer', q.id, " +
        author() +
        ", b, '<p>' || b || '</p>', ts, ts FROM ("
        "  SELECT q.id, g, " +
        draw() + ", " + randomWords("25 + g % 50") +
        " AS b, "
        "         now() - (random() * interval '600 days') AS ts "
        "  FROM seed_q q CROSS JOIN LATERAL generate_series(1, q.answers) g) q "
        "LIMIT " +
        std::to_string(std::max<int64_t>(0, answers_left)));
}

int64_t SeedRun::addShowcase() {
    auto q = c.exec(
        "INSERT INTO posts (post_type, author_id, title, body_md, body_html, tags) "
        "SELECT 'question', id, 'What is the best way to rest and proof bread dough?', "
        "'Showcase question body with **some** markdown and enough words to matter.', "
        "'<p>Showcase question body with <strong>some</strong> markdown and enough words to "
        "matter.</p>', "
        "'{bread,dough}' FROM seed_members ORDER BY n DESC LIMIT 1 RETURNING id");
    int64_t qid = q.i64(0, 0);
    c.exec(
        "INSERT INTO posts (post_type, parent_id, author_id, body_md, body_html) "
        "SELECT 'answer', " +
        std::to_string(qid) + ", id, " + randomWords("60 + n % 40") +
        ", '<p>answer</p>' FROM seed_members WHERE n BETWEEN 2 AND 21");
    c.exec("UPDATE posts SET body_html = '<p>' || body_md || '</p>' WHERE parent_id = " +
           std::to_string(qid));
    c.exec(
        "INSERT INTO comments (post_id, author_id, body_md, body_html) "
        "SELECT p.id, m.id, 'A comment with a few words in it ' || g, "
        "'<p>A comment with a few words in it ' || g || '</p>' "
        "FROM (SELECT id, row_number() OVER (ORDER BY id) r FROM posts WHERE id = " +
        std::to_string(qid) + " OR parent_id = " + std::to_string(qid) +
        ") p "
        "CROSS JOIN generate_series(1, 2) g JOIN seed_members m ON m.n = 30 + p.r + g * 3 "
        "LIMIT 40");
    return qid;
}

void SeedRun::addVotes() {
    // Up-vote probability follows the author's quality: good posters emerge, and bad ones.
    c.exec(
        "INSERT INTO votes (post_id, member_id, post_author_id, value, created_at) "
        "SELECT p.id, v.id, p.author_id, CASE WHEN random() < 0.15 + 0.8 * a.quality THEN 1 ELSE "
        "-1 END, "
        "       p.created_at + interval '1 hour' "
        "FROM posts p JOIN seed_members a ON a.id = p.author_id "
        "CROSS JOIN LATERAL (SELECT g, 1 + floor(random() * " +
        std::to_string(members) +
        ")::int AS who FROM generate_series(1, floor(power(random(), 3) * 12)::int + (p.id * "
        "0)::int) g) x "
        "JOIN seed_members v ON v.n = x.who "
        "WHERE v.id <> p.author_id ON CONFLICT DO NOTHING");
}

void SeedRun::addComments() {
    c.exec(
        "INSERT INTO comments (post_id, author_id, body_md, body_html, created_at) "
        "SELECT p.id, m.id, b, '<p>' || b || '</p>', p.created_at + interval '2 hours' FROM ("
        "  SELECT p.id, p.created_at, g, " +
        randomWords("8 + g % 12") +
        " AS b, "
        "         1 + floor(random() * " +
        std::to_string(members) +
        ")::int AS who "
        "  FROM posts p CROSS JOIN LATERAL generate_series(1, floor(power(random(), 5) * 5)::int + "
        "(p.id * 0)::int) g "
        "  WHERE p.author_id IN (SELECT id FROM seed_members)) p "
        "JOIN seed_members m ON m.n = p.who");
}

void SeedRun::addRevisionsAndTags() {
    c.exec(
        "INSERT INTO revisions (post_id, number, editor_id, title, body_md, tags, comment, "
        "created_at) "
        "SELECT p.id, 1, p.author_id, p.title, p.body_md, p.tags, 'asked', p.created_at FROM posts "
        "p "
        "WHERE p.author_id IN (SELECT id FROM seed_members) "
        "AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.post_id = p.id)");
    c.exec(
        "INSERT INTO post_tags (post_id, tag_id) SELECT p.id, t.id FROM posts p "
        "CROSS JOIN LATERAL unnest(p.tags) tn JOIN tags t ON t.name = tn "
        "WHERE p.author_id IN (SELECT id FROM seed_members) ON CONFLICT DO NOTHING");
}

void SeedRun::recount() {
    // Set-based recount of what was just generated (live activity keeps counters
    // transactionally; a bulk load computes them once).
    c.exec(
        "UPDATE posts p SET up_votes = v.up, down_votes = v.down, score = v.up - v.down FROM ("
        "  SELECT post_id, count(*) FILTER (WHERE value = 1) AS up, "
        "         count(*) FILTER (WHERE value = -1) AS down FROM votes GROUP BY post_id) v "
        "WHERE v.post_id = p.id");
    c.exec(
        "UPDATE posts p SET answer_count = a.n, last_activity_at = greatest(p.last_activity_at, "
        "a.last) "
        "FROM (SELECT parent_id, count(*) AS n, max(created_at) AS last FROM posts "
        "WHERE parent_id IS NOT NULL AND deleted_at IS NULL GROUP BY parent_id) a WHERE "
        "a.parent_id = p.id");
    c.exec(
        "UPDATE posts p SET comment_count = x.n FROM (SELECT post_id, count(*) AS n FROM comments "
        "WHERE deleted_at IS NULL GROUP BY post_id) x WHERE x.post_id = p.id");
    c.exec(
        "UPDATE members m SET question_count = s.q, answer_count = s.a, good_posts = s.good, "
        "bad_posts = s.bad, post_score = s.score FROM ("
        "  SELECT author_id, count(*) FILTER (WHERE post_type = 'question') AS q, "
        "         count(*) FILTER (WHERE post_type = 'answer') AS a, "
        "         count(*) FILTER (WHERE up_votes > down_votes) AS good, "
        "         count(*) FILTER (WHERE up_votes < down_votes) AS bad, sum(score) AS score "
        "  FROM posts WHERE deleted_at IS NULL GROUP BY author_id) s WHERE s.author_id = m.id");
    c.exec(
        "UPDATE tags t SET question_count = x.n FROM (SELECT tag_id, count(*) AS n FROM post_tags "
        "pt "
        "JOIN posts p ON p.id = pt.post_id AND p.deleted_at IS NULL GROUP BY tag_id) x WHERE "
        "x.tag_id = t.id");
    c.exec(
        "UPDATE site_counters SET "
        "questions = (SELECT count(*) FROM posts WHERE post_type = 'question' AND deleted_at IS "
        "NULL), "
        "answers = (SELECT count(*) FROM posts WHERE post_type = 'answer' AND deleted_at IS NULL)");
}

}  // namespace

nlohmann::json Seeder::run(const std::string& slug, const SeedOptions& o,
                           const std::function<void(const std::string&)>& progress) {
    app_.directory().reload();
    auto tenant = app_.directory().bySlug(slug);
    if (!tenant)
        throw Error::notFound("no tenant " + slug);
    if (o.posts < 1 || o.posts > 20'000'000)
        throw Error::invalid("posts", "--posts must be 1..20000000");
    int64_t members = o.members > 0 ? o.members : std::max<int64_t>(20, o.posts / 50);
    int64_t questions = std::max<int64_t>(1, o.posts * 10 / 44);
    auto started = std::chrono::steady_clock::now();
    auto lease = app_.pool().acquire();
    auto& c = *lease;
    db::Transaction tx(c);
    c.exec("SET LOCAL search_path TO " + c.quoteIdent(tenant->schema) + ", public");
    c.exec("SET LOCAL synchronous_commit = off");
    SeedRun seed{c, o, members};

    progress("members");
    seed.addMembers(tenant->id);
    progress("tags");
    seed.addTags();
    progress("questions");
    seed.addQuestions(questions);
    progress("answers");
    seed.addAnswers(o.posts - questions);
    nlohmann::json out = {{"tenant", slug}, {"members", members}, {"heavy_member", seed.heavy}};
    if (o.showcase) {
        progress("showcase thread");
        out["showcase_question"] = seed.addShowcase();
    }
    progress("votes");
    seed.addVotes();
    progress("comments");
    seed.addComments();
    progress("revisions and tags");
    seed.addRevisionsAndTags();
    progress("counters");
    seed.recount();

    auto totals = c.exec(
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM votes), "
        "(SELECT count(*) FROM comments)");
    tx.commit();
    c.exec("ANALYZE " + c.quoteIdent(tenant->schema) + ".posts; ANALYZE " +
           c.quoteIdent(tenant->schema) + ".votes; ANALYZE " + c.quoteIdent(tenant->schema) +
           ".comments");
    out["posts_total"] = totals.i64(0, 0);
    out["votes_total"] = totals.i64(0, 1);
    out["comments_total"] = totals.i64(0, 2);
    out["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return out;
}

}  // namespace agora
