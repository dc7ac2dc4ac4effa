-- Validates 008's foreign key (SHARE UPDATE EXCLUSIVE on revisions: reads and writes go on).
SET LOCAL lock_timeout = '500ms';
SET LOCAL statement_timeout = '10min';

ALTER TABLE revisions VALIDATE CONSTRAINT revisions_reviewer_id_fkey;
