-- A threshold change re-judges every member a page at a time, each page in its own transaction
-- (a big community never holds one long transaction). This row says how far that got: while it
-- exists, members with ids above after_member are still judged by the old thresholds. It is
-- written in each page's transaction and deleted with the last one, so a failure halfway leaves
-- it behind for the admin page to report and for "resume" to continue from.
CREATE TABLE ability_reevaluations (
    ability      text PRIMARY KEY,
    after_member bigint NOT NULL DEFAULT 0,
    done         bigint NOT NULL DEFAULT 0,
    total        bigint NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    started_by   bigint,
    failed_at    timestamptz,
    error        text
);
