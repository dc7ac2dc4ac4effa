ALTER TABLE posts ADD COLUMN last_activity_by bigint;
CREATE INDEX CONCURRENTLY posts_by ON posts (last_activity_by);
UPDATE posts SET x = 1 WHERE id BETWEEN $1 AND $2;
