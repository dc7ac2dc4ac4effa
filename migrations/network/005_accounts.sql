-- Accounts that last: a verified address and a pending change of it, a profile, sessions a
-- member can list and revoke, and the single-use tokens that reset a password or prove an
-- address. Only changes that rewrite nothing and scan nothing under a lock.

ALTER TABLE network.accounts
    ADD COLUMN email_verified_at timestamptz,
    -- A new address waits here until a link sent to it is followed; `email` stays the one
    -- that counts (login, reset) until then.
    ADD COLUMN pending_email text,
    ADD COLUMN bio_md        text NOT NULL DEFAULT '',
    ADD COLUMN bio_html      text NOT NULL DEFAULT '',
    ADD COLUMN website       text NOT NULL DEFAULT '',
    ADD COLUMN location      text NOT NULL DEFAULT '',
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();
-- Every existing row is NULL there, so NOT VALID skips a scan that could find nothing; new
-- and updated rows are checked all the same.
ALTER TABLE network.accounts ADD CONSTRAINT accounts_pending_email_check
    CHECK (pending_email ~ '^[^@\s]+@[^@\s]+$') NOT VALID;

-- What a member sees of a session: where and from what it was opened, and when it was last
-- used (refreshed at most every few minutes). Its public id is derived from token_hash
-- (AccountSessions), so no column (and no rewrite of a busy table) is needed for it.
ALTER TABLE network.sessions
    ADD COLUMN last_used_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN user_agent   text NOT NULL DEFAULT '',
    ADD COLUMN address      text NOT NULL DEFAULT '';

-- Password-reset and address-verification links. Only a hash of the secret is kept; a token
-- is spent by the one UPDATE that sets used_at, so two clicks can't both succeed.
CREATE TABLE network.account_tokens (
    token_hash text PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES network.accounts (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('reset', 'verify')),
    -- For 'verify': the address the link proves (the current one or the pending one).
    email      text,
    tenant_id  bigint REFERENCES network.tenants (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX account_tokens_account ON network.account_tokens (account_id, purpose);

-- Settings an admin changed stay, without naming an account that has been deleted.
ALTER TABLE network.settings DROP CONSTRAINT settings_updated_by_fkey;
-- Existing rows already satisfy it (the old constraint held): NOT VALID skips the re-check.
ALTER TABLE network.settings ADD CONSTRAINT settings_updated_by_fkey
    FOREIGN KEY (updated_by) REFERENCES network.accounts (id) ON DELETE SET NULL NOT VALID;
