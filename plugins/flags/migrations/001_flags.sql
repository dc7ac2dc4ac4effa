-- Flags plugin: the tenant's flag types and the flags members raise on posts and comments.
-- New tables only; the foreign keys to members, posts and comments take a brief lock on
-- those, so bound the wait.
SET LOCAL lock_timeout = '5s';

-- Types are never deleted (flags keep referring to them): an admin deactivates one instead.
CREATE TABLE flag_types (
    id                  serial PRIMARY KEY,
    name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 60),
    description         text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    confidential        boolean NOT NULL DEFAULT false,  -- seen by moderators only
    requires_details    boolean NOT NULL DEFAULT false,  -- a reason must be given
    applies_to_posts    boolean NOT NULL DEFAULT true,
    applies_to_comments boolean NOT NULL DEFAULT true,
    active              boolean NOT NULL DEFAULT true,
    position            integer NOT NULL DEFAULT 0,      -- order on the flag form
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (applies_to_posts OR applies_to_comments)
);
-- "Spam" and "spam" would be the same choice to a member.
CREATE UNIQUE INDEX flag_types_name ON flag_types (lower(name));

INSERT INTO flag_types (name, description, confidential, requires_details, applies_to_posts,
                        applies_to_comments, position) VALUES
    ('spam', 'Advertising or promotion with no real interest in the subject; not a '
             'question or answer in good faith.', false, false, true, true, 1),
    ('rude or abusive', 'A reasonable person would find this content inappropriate for '
                        'respectful discussion.', false, false, true, true, 2),
    ('duplicate', 'This question has been asked before and already has an answer here.',
     false, false, true, false, 3),
    ('needs moderator attention', 'A problem only a moderator can handle. Explain it: only '
                                  'moderators will read it.', true, true, true, true, 4),
    ('something else', 'Anything the other reasons don''t cover. Explain what is wrong.',
     false, true, true, true, 5);

-- status: pending → helpful | declined, once. Escalation keeps a flag pending but hands it to
-- moderators (escalated_at set).
CREATE TABLE flags (
    id                 bigserial PRIMARY KEY,
    type_id            integer NOT NULL REFERENCES flag_types (id),
    flagger_id         bigint NOT NULL REFERENCES members (id),
    post_id            bigint REFERENCES posts (id),
    comment_id         bigint REFERENCES comments (id),
    reason             text NOT NULL DEFAULT '' CHECK (length(reason) <= 1000),
    status             text NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'helpful', 'declined')),
    handler_id         bigint REFERENCES members (id),
    message            text NOT NULL DEFAULT '' CHECK (length(message) <= 1000),
    handled_at         timestamptz,
    escalated_at       timestamptz,
    escalated_by       bigint REFERENCES members (id),
    escalation_comment text NOT NULL DEFAULT '' CHECK (length(escalation_comment) <= 1000),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((post_id IS NULL) <> (comment_id IS NULL)),
    CHECK ((status = 'pending') = (handled_at IS NULL)),
    CHECK ((status = 'pending') = (handler_id IS NULL)),
    CHECK ((escalated_at IS NULL) = (escalated_by IS NULL))
);

-- One pending flag per member per target, enforced here rather than only in the code
-- (QPixel had no guard at all).
CREATE UNIQUE INDEX flags_pending_post ON flags (flagger_id, post_id)
    WHERE status = 'pending' AND post_id IS NOT NULL;
CREATE UNIQUE INDEX flags_pending_comment ON flags (flagger_id, comment_id)
    WHERE status = 'pending' AND comment_id IS NOT NULL;

-- The dashboard's tabs and the moderators' badge.
CREATE INDEX flags_status ON flags (status, created_at DESC);
CREATE INDEX flags_escalated ON flags (escalated_at DESC)
    WHERE status = 'pending' AND escalated_at IS NOT NULL;
-- A member's own flags, their counts and the 24-hour rate limit.
CREATE INDEX flags_flagger ON flags (flagger_id, created_at DESC);
-- Flags a member received: their posts and comments (posts_author, comments_author), then
-- the flags on each.
CREATE INDEX flags_post ON flags (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX flags_comment ON flags (comment_id) WHERE comment_id IS NOT NULL;
