-- Abilities plugin: per-member counters kept in the same transaction as the activity, the log
-- of recent outcomes (recent:N scoring), grants, and suspensions with their full history.
-- New tables only; the foreign keys to members take a brief lock on it, so bound the wait.
SET LOCAL lock_timeout = '5s';

CREATE TABLE ability_counters (
    member_id      bigint PRIMARY KEY REFERENCES members (id),
    good_posts     integer NOT NULL DEFAULT 0 CHECK (good_posts >= 0),
    bad_posts      integer NOT NULL DEFAULT 0 CHECK (bad_posts >= 0),
    approved_edits integer NOT NULL DEFAULT 0 CHECK (approved_edits >= 0),
    rejected_edits integer NOT NULL DEFAULT 0 CHECK (rejected_edits >= 0),
    helpful_flags  integer NOT NULL DEFAULT 0 CHECK (helpful_flags >= 0),
    declined_flags integer NOT NULL DEFAULT 0 CHECK (declined_flags >= 0),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per outcome, newest last. A post has one row while it is classified (more up- than
-- down-votes or fewer) and none while tied; its row flips in place when the votes turn.
CREATE TABLE ability_outcomes (
    id        bigserial PRIMARY KEY,
    member_id bigint NOT NULL REFERENCES members (id),
    criterion text NOT NULL CHECK (criterion IN ('post', 'edit', 'flag')),
    good      boolean NOT NULL,
    post_id   bigint,
    source_id bigint,  -- the suggested edit or flag the outcome came from, when named
    at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((criterion = 'post') = (post_id IS NOT NULL))
);
CREATE UNIQUE INDEX ability_outcomes_post ON ability_outcomes (post_id) WHERE criterion = 'post';
CREATE INDEX ability_outcomes_recent ON ability_outcomes (member_id, criterion, id DESC);

-- Who holds what. One row per member and ability (QPixel lacked this constraint).
CREATE TABLE ability_grants (
    member_id  bigint NOT NULL REFERENCES members (id),
    ability    text NOT NULL,
    source     text NOT NULL CHECK (source IN ('auto', 'manual')),
    granted_at timestamptz NOT NULL DEFAULT now(),
    granted_by bigint REFERENCES members (id),
    PRIMARY KEY (member_id, ability)
);
CREATE INDEX ability_grants_holders ON ability_grants (ability, granted_at DESC);

-- Every suspension ever, never deleted: lifting one sets lifted_at/lifted_by, and a new one
-- closes the previous first. ends_at NULL = permanent.
CREATE TABLE ability_suspensions (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    ability    text NOT NULL,
    starts_at  timestamptz NOT NULL DEFAULT now(),
    ends_at    timestamptz,
    message    text NOT NULL,
    created_by bigint NOT NULL REFERENCES members (id),
    lifted_at  timestamptz,
    lifted_by  bigint REFERENCES members (id),
    CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE UNIQUE INDEX ability_suspensions_open ON ability_suspensions (member_id, ability)
    WHERE lifted_at IS NULL;
CREATE INDEX ability_suspensions_history ON ability_suspensions (member_id, starts_at DESC);

-- A member's grant-state stamp: replaced in the same transaction as any change to their
-- grants or suspensions. Cached grant sets carry the stamp they were read with and are used
-- only while it is still the current one (see GrantCache).
CREATE TABLE ability_stamps (
    member_id bigint PRIMARY KEY REFERENCES members (id),
    stamp     uuid NOT NULL DEFAULT gen_random_uuid()
);
