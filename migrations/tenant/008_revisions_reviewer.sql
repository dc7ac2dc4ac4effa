-- Who approved a revision that someone else suggested (the reviews plugin): the revision is
-- credited to the suggester (editor_id) and names the reviewer. NULL for direct edits.
-- Online like 004: a nullable column without default (no rewrite) and its foreign key NOT
-- VALID (no scan; every existing row is NULL, so 009's validation has nothing to check).
SET LOCAL lock_timeout = '200ms';
SET LOCAL statement_timeout = '1min';

ALTER TABLE revisions ADD COLUMN reviewer_id bigint;
ALTER TABLE revisions ADD CONSTRAINT revisions_reviewer_id_fkey
    FOREIGN KEY (reviewer_id) REFERENCES members (id) NOT VALID;
