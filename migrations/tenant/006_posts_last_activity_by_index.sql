-- agora:no-transaction
-- Built without blocking writes; re-runnable (the applier drops an INVALID leftover first).
-- CONCURRENTLY waits for transactions that touched posts to finish, in phases, without
-- holding a lock that blocks writers: no statement_timeout for the build itself.
SET lock_timeout = '500ms';
SET statement_timeout = 0;
CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_last_activity_by ON posts (last_activity_by);
