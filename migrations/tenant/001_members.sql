-- A member is an account's presence in this community: what pages need, without crossing
-- into the network schema.
CREATE TABLE members (
    id           bigint PRIMARY KEY,  -- the network account id
    username     text NOT NULL,
    display_name text NOT NULL,
    role         text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'moderator', 'admin')),
    joined_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX members_username ON members (lower(username));
