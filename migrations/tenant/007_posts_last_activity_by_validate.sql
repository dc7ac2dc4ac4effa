-- Checks the rows 005 filled against members. VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE
-- on posts (reads and writes go on) and ROW SHARE on members.
SET LOCAL lock_timeout = '500ms';
SET LOCAL statement_timeout = '10min';

ALTER TABLE posts VALIDATE CONSTRAINT posts_last_activity_by_fkey;
