-- Failed logins and sign-ups, by account and by client address: the truth behind the login and
-- sign-up throttles. Redis counts them on the hot path; these rows re-seed Redis after a flush
-- or restart and answer on their own while Redis is down, so a throttle never silently resets.
-- Rows older than their window are deleted as new ones arrive for the same bucket.

CREATE TABLE network.throttle_events (
    id     bigserial PRIMARY KEY,
    bucket text NOT NULL,                  -- e.g. "login:account:42", "signup:address:192.0.2.7"
    at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX throttle_events_bucket ON network.throttle_events (bucket, at);
