-- Reports of `agora migrate rehearse`: one row per step rehearsed on a staging copy.
-- `agora migrate apply` refuses a production step without a successful row here for the
-- same file contents (checksum) on a copy of about the current size (table_bytes).

CREATE TABLE network.rehearsals (
    id             bigserial PRIMARY KEY,
    target         text NOT NULL,        -- the production schema the rehearsal stands for
    staging_target text NOT NULL,        -- the staging schema it ran on
    step           text NOT NULL,
    checksum       text NOT NULL,
    ok             boolean NOT NULL,
    report         jsonb NOT NULL,       -- duration, locks, waits, rewrites, rows, estimate
    table_bytes    bigint NOT NULL,      -- production's table size when rehearsed
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rehearsals_lookup ON network.rehearsals (target, step, checksum, created_at DESC);
