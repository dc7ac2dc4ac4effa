-- Reviews plugin: edits suggested by members who may not edit a post directly, and what
-- became of each. New table only; the foreign keys take a brief lock on posts and members, so
-- bound the wait.
SET LOCAL lock_timeout = '5s';

CREATE TABLE suggested_edits (
    id               bigserial PRIMARY KEY,
    post_id          bigint NOT NULL REFERENCES posts (id),
    suggester_id     bigint NOT NULL REFERENCES members (id),
    -- posts.revision_count when the suggestion was made: approving applies it only to that
    -- revision, so a change made meanwhile is never silently overwritten.
    base_revision    integer NOT NULL CHECK (base_revision >= 1),
    -- The suggested values as they would be stored; null = that field stays as it is.
    title            text,
    body_md          text,
    tags             text[],
    comment          text NOT NULL CHECK (btrim(comment) <> ''),
    state            text NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'approved', 'rejected', 'retracted')),
    reviewer_id      bigint REFERENCES members (id),
    review_comment   text,
    -- Rejected because the post had changed since (not the suggester's fault: not counted).
    outdated         boolean NOT NULL DEFAULT false,
    applied_revision integer,
    created_at       timestamptz NOT NULL DEFAULT now(),
    decided_at       timestamptz,
    CHECK (title IS NOT NULL OR body_md IS NOT NULL OR tags IS NOT NULL),
    CHECK ((state = 'pending') = (decided_at IS NULL)),
    CHECK ((state IN ('approved', 'rejected')) = (reviewer_id IS NOT NULL)),
    CHECK ((state = 'approved') = (applied_revision IS NOT NULL)),
    CHECK (state <> 'rejected' OR btrim(coalesce(review_comment, '')) <> ''),
    CHECK (NOT outdated OR state = 'rejected'),
    CONSTRAINT no_self_review CHECK (reviewer_id <> suggester_id)
);

-- One pending suggestion per post, enforced here rather than only in the UI (QPixel #529):
-- two members suggesting at the same moment can't both get theirs in.
CREATE UNIQUE INDEX suggested_edits_one_pending ON suggested_edits (post_id)
    WHERE state = 'pending';
-- The queue: pending oldest first; decided ones newest decision first, per state.
CREATE INDEX suggested_edits_pending_age ON suggested_edits (created_at, id)
    WHERE state = 'pending';
CREATE INDEX suggested_edits_decided ON suggested_edits (state, decided_at DESC, id DESC)
    WHERE state <> 'pending';
-- A member's own suggestions (their list, and the rate limit's count).
CREATE INDEX suggested_edits_suggester ON suggested_edits (suggester_id, created_at DESC);
CREATE INDEX suggested_edits_post ON suggested_edits (post_id, id DESC);
