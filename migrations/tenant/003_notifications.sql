-- Notifications for members of this community (ability earned, flag resolved, edit reviewed…).
-- Written in the same transaction as the change they report; plugins write them through the
-- host (notify_member), which skips staging tenants so a copy never messages real people.
SET LOCAL lock_timeout = '5s';

CREATE TABLE notifications (
    id         bigserial PRIMARY KEY,
    member_id  bigint NOT NULL REFERENCES members (id),
    kind       text NOT NULL,
    text       text NOT NULL,
    link       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz
);
-- A member's unread notifications, newest first (the bell, the list).
CREATE INDEX notifications_member ON notifications (member_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (member_id) WHERE read_at IS NULL;
