-- Outgoing mail. A mail is queued in the transaction that causes it (sign-up, password reset, a
-- notification), so it exists exactly when its cause committed; senders (`agora serve`,
-- `agora mail work`) deliver it later. A request never talks to SMTP, and SMTP being down
-- only delays mail.
--
-- A sender claims due rows with FOR UPDATE SKIP LOCKED and moves their next_attempt_at past
-- the lease in the same statement, so two senders never hold the same mail; it then marks each
-- sent or schedules a retry with backoff, and gives up (failed) after too many attempts.
-- The body is rendered at send time from `template` and `data`, in the community's theme.

CREATE TABLE network.mail_outbox (
    id              bigserial PRIMARY KEY,
    tenant_id       bigint REFERENCES network.tenants (id) ON DELETE CASCADE,
    account_id      bigint REFERENCES network.accounts (id) ON DELETE CASCADE,
    to_address      text NOT NULL CHECK (to_address ~ '^[^@\s]+@[^@\s]+$'),
    to_name         text NOT NULL DEFAULT '',
    kind            text NOT NULL,                 -- reset, verify, notification, digest…
    template        text NOT NULL CHECK (template ~ '^[a-z][a-z0-9_]{0,39}$'),
    data            jsonb NOT NULL DEFAULT '{}',
    unsubscribe_url text,                          -- set = RFC 8058 headers
    status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    message_id      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
-- What a sender looks at: due mail, oldest first.
CREATE INDEX mail_outbox_due ON network.mail_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX mail_outbox_account ON network.mail_outbox (account_id);
-- What the hourly prune deletes: mail done with for more than 30 days.
CREATE INDEX mail_outbox_done ON network.mail_outbox ((coalesce(sent_at, next_attempt_at)))
    WHERE status <> 'queued';
