-- Who did the latest thing on a post (asked, answered, edited, commented): shown next to
-- last_activity_at on question lists. Steps 004–007 add it online:
--   004 adds the column (no default: no rewrite) and its foreign key NOT VALID (no scan);
--   005 fills existing rows in primary-key batches, one transaction per batch;
--   006 indexes it CONCURRENTLY (member deletions check the foreign key through it);
--   007 validates the foreign key (SHARE UPDATE EXCLUSIVE: writes go on).
-- Code that writes last_activity_at sets last_activity_by in the same UPDATE from now on.
-- Writers queue behind a waiting ALTER for as long as it waits: keep that short (the applier
-- retries with backoff when it fires).
SET LOCAL lock_timeout = '200ms';
SET LOCAL statement_timeout = '1min';

ALTER TABLE posts ADD COLUMN last_activity_by bigint;
ALTER TABLE posts ADD CONSTRAINT posts_last_activity_by_fkey
    FOREIGN KEY (last_activity_by) REFERENCES members (id) NOT VALID;
