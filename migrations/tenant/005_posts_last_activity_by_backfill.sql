-- agora:no-transaction
-- Backfill of posts.last_activity_by for rows written before 004: a question gets the author
-- of its latest answer (or its own author when it has none), an answer its own author.
--
-- One DO block, so it is one statement: run outside a transaction block, it commits after
-- every batch of 5,000 ids (row locks held for one batch only; lock_timeout from the applier
-- applies to every row lock wait). Only rows still NULL are touched, so a re-run after a
-- failure (the applier re-runs a no-transaction step from its first statement) skips what is
-- done, and a row the application set meanwhile (it writes last_activity_by together with
-- last_activity_at) is never overwritten: READ COMMITTED re-checks the IS NULL condition on
-- the newest row version. The upper bound is re-read when reached, so rows inserted while the
-- backfill runs (by code that predates 004's column) are filled too.
DO $backfill$
DECLARE
    batch constant bigint := 5000;
    lo bigint;
    hi bigint;
BEGIN
    SELECT min(id), max(id) INTO lo, hi FROM posts;
    WHILE lo IS NOT NULL AND lo <= hi LOOP
        UPDATE posts p
           SET last_activity_by = coalesce(
                   (SELECT a.author_id FROM posts a
                     WHERE a.parent_id = p.id AND a.post_type = 'answer'
                     ORDER BY a.created_at DESC, a.id DESC LIMIT 1),
                   p.author_id)
         WHERE p.id >= lo AND p.id < lo + batch AND p.last_activity_by IS NULL;
        COMMIT;
        lo := lo + batch;
        IF lo > hi THEN
            SELECT max(id) INTO hi FROM posts;
        END IF;
    END LOOP;
END
$backfill$;
