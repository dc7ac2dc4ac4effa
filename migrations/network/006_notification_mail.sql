-- Notification mail: what each account wants mailed, when it last got a digest, and the
-- one-click unsubscribe tokens its mails carry. Preferences are network-wide (accounts are);
-- a type an account never chose has the default the code's registry gives it
-- (notifications/NotificationTypes.cpp), so only choices are stored here.

CREATE TABLE network.notification_prefs (
    account_id bigint NOT NULL REFERENCES network.accounts (id) ON DELETE CASCADE,
    type       text NOT NULL CHECK (type ~ '^[a-z][a-z_]{0,39}$'),
    mode       text NOT NULL CHECK (mode IN ('immediate', 'digest', 'off')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, type)
);

-- One row per account that switched all mail off or has had a digest.
CREATE TABLE network.notification_mail (
    account_id     bigint PRIMARY KEY REFERENCES network.accounts (id) ON DELETE CASCADE,
    all_off        boolean NOT NULL DEFAULT false,
    -- The end of the window the last digest covered; the next one lists what came after.
    last_digest_at timestamptz
);

-- Each notification or digest mail carries its own random token; only its hash is kept. The
-- scope is a notification type, 'digest' (every type mailed as a digest) or 'all'.
CREATE TABLE network.unsubscribe_tokens (
    token_hash text PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES network.accounts (id) ON DELETE CASCADE,
    scope      text NOT NULL CHECK (scope ~ '^[a-z][a-z_]{0,39}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unsubscribe_tokens_account ON network.unsubscribe_tokens (account_id);
