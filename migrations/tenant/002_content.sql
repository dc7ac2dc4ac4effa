-- Members table exists on live tenants: bounded lock wait so a busy table fails fast and retries.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '10min';

-- Questions and answers, votes, comments, tags, revisions and moderation history.
-- Rules that protect data live here as constraints, not only in code.

ALTER TABLE members
    ADD COLUMN question_count integer NOT NULL DEFAULT 0,
    ADD COLUMN answer_count   integer NOT NULL DEFAULT 0,
    ADD COLUMN good_posts     integer NOT NULL DEFAULT 0,  -- more up- than down-votes
    ADD COLUMN bad_posts      integer NOT NULL DEFAULT 0,  -- more down- than up-votes
    ADD COLUMN post_score     integer NOT NULL DEFAULT 0;  -- sum of scores of own posts

CREATE TABLE close_reasons (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    description text NOT NULL,
    active      boolean NOT NULL DEFAULT true
);
INSERT INTO close_reasons (name, description) VALUES
    ('duplicate', 'This question has been asked before and already has an answer.'),
    ('off topic', 'This question is not about the subject of this community.'),
    ('unclear', 'It is unclear what is being asked.'),
    ('too generic', 'This question is too broad to answer well here.'),
    ('not constructive', 'This question invites opinion rather than answers.');

CREATE TABLE posts (
    id               bigserial PRIMARY KEY,
    post_type        text NOT NULL CHECK (post_type IN ('question', 'answer')),
    parent_id        bigint REFERENCES posts (id),
    author_id        bigint NOT NULL REFERENCES members (id),
    title            text,
    body_md          text NOT NULL,
    body_html        text NOT NULL,
    tags             text[] NOT NULL DEFAULT '{}',
    score            integer NOT NULL DEFAULT 0,
    up_votes         integer NOT NULL DEFAULT 0 CHECK (up_votes >= 0),
    down_votes       integer NOT NULL DEFAULT 0 CHECK (down_votes >= 0),
    answer_count     integer NOT NULL DEFAULT 0,
    comment_count    integer NOT NULL DEFAULT 0,
    revision_count   integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    last_edited_at   timestamptz,
    last_editor_id   bigint REFERENCES members (id),
    closed_at        timestamptz,
    closed_by        bigint REFERENCES members (id),
    close_reason_id  integer REFERENCES close_reasons (id),
    deleted_at       timestamptz,
    deleted_by       bigint REFERENCES members (id),
    locked_at        timestamptz,
    locked_by        bigint REFERENCES members (id),
    CHECK ((post_type = 'question') = (parent_id IS NULL)),
    CHECK (post_type = 'answer' OR title IS NOT NULL),
    CHECK (score = up_votes - down_votes),
    -- Lets votes reference (post, author) so "no self-vote" is a database rule.
    UNIQUE (id, author_id)
);
CREATE INDEX posts_questions_activity ON posts (last_activity_at DESC)
    WHERE post_type = 'question' AND deleted_at IS NULL;
CREATE INDEX posts_questions_newest ON posts (created_at DESC)
    WHERE post_type = 'question' AND deleted_at IS NULL;
CREATE INDEX posts_questions_score ON posts (score DESC, id DESC)
    WHERE post_type = 'question' AND deleted_at IS NULL;
CREATE INDEX posts_parent ON posts (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX posts_author ON posts (author_id, created_at DESC);

CREATE TABLE tags (
    id             bigserial PRIMARY KEY,
    name           text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9+#.-]*$'),
    question_count integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tags_name ON tags (name);

CREATE TABLE post_tags (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  bigint NOT NULL REFERENCES tags (id),
    PRIMARY KEY (tag_id, post_id)
);
CREATE INDEX post_tags_post ON post_tags (post_id);

CREATE TABLE votes (
    post_id        bigint NOT NULL,
    member_id      bigint NOT NULL REFERENCES members (id),
    post_author_id bigint NOT NULL,
    value          smallint NOT NULL CHECK (value IN (-1, 1)),
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, member_id),
    FOREIGN KEY (post_id, post_author_id) REFERENCES posts (id, author_id),
    CONSTRAINT no_self_vote CHECK (member_id <> post_author_id)
);
CREATE INDEX votes_member ON votes (member_id, created_at DESC);

CREATE TABLE comments (
    id         bigserial PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES posts (id),
    author_id  bigint NOT NULL REFERENCES members (id),
    body_md    text NOT NULL,
    body_html  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    deleted_by bigint REFERENCES members (id)
);
CREATE INDEX comments_post ON comments (post_id, created_at);
CREATE INDEX comments_author ON comments (author_id, created_at DESC);

-- Every version of every post: the initial one and each edit.
CREATE TABLE revisions (
    id         bigserial PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES posts (id),
    number     integer NOT NULL,
    editor_id  bigint NOT NULL REFERENCES members (id),
    title      text,
    body_md    text NOT NULL,
    tags       text[] NOT NULL DEFAULT '{}',
    comment    text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (post_id, number)
);

-- Closed, reopened, deleted, undeleted, locked, unlocked: who, when, why.
CREATE TABLE post_events (
    id         bigserial PRIMARY KEY,
    post_id    bigint NOT NULL REFERENCES posts (id),
    actor_id   bigint NOT NULL REFERENCES members (id),
    kind       text NOT NULL CHECK (kind IN ('closed', 'reopened', 'deleted', 'undeleted',
                                              'locked', 'unlocked')),
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_events_post ON post_events (post_id, created_at);

-- Totals the front page shows, kept in the same transaction as the change instead of counted.
CREATE TABLE site_counters (
    id        integer PRIMARY KEY CHECK (id = 1),
    questions bigint NOT NULL DEFAULT 0,
    answers   bigint NOT NULL DEFAULT 0
);
INSERT INTO site_counters (id) VALUES (1);
