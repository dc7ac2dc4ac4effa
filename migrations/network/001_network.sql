-- The control plane: which communities exist, where they live, who the accounts are.
-- Tenant data lives in one schema per tenant; nothing here holds posts.

CREATE TABLE network.tenants (
    id          bigserial PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{0,39}$'),
    name        text NOT NULL,
    schema_name text NOT NULL UNIQUE,
    theme       text NOT NULL DEFAULT 'default',
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    -- A staging tenant is a copy of another, open only to that tenant's admins and staff.
    staging_of  bigint REFERENCES network.tenants (id) ON DELETE CASCADE,
    shard       text NOT NULL DEFAULT 'main',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE network.hosts (
    host      text PRIMARY KEY CHECK (host = lower(host)),
    tenant_id bigint NOT NULL REFERENCES network.tenants (id) ON DELETE CASCADE
);
CREATE INDEX hosts_tenant ON network.hosts (tenant_id);

CREATE TABLE network.accounts (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{3,30}$'),
    email         text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    password_hash text NOT NULL,
    display_name  text NOT NULL,
    is_staff      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username ON network.accounts (lower(username));
CREATE UNIQUE INDEX accounts_email ON network.accounts (lower(email));

-- Which tenants an account belongs to (the tenant's own `members` row holds the rest), so a
-- profile change can be propagated to every membership.
CREATE TABLE network.memberships (
    account_id bigint NOT NULL REFERENCES network.accounts (id) ON DELETE CASCADE,
    tenant_id  bigint NOT NULL REFERENCES network.tenants (id) ON DELETE CASCADE,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, tenant_id)
);
CREATE INDEX memberships_tenant ON network.memberships (tenant_id);

-- Cookie sessions and bearer tokens. Only a hash of the secret is stored; each is valid on
-- the tenant that issued it and nowhere else.
CREATE TABLE network.sessions (
    token_hash   text PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES network.accounts (id) ON DELETE CASCADE,
    tenant_id    bigint NOT NULL REFERENCES network.tenants (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX sessions_account ON network.sessions (account_id);

CREATE TABLE network.settings (
    tenant_id  bigint NOT NULL REFERENCES network.tenants (id) ON DELETE CASCADE,
    key        text NOT NULL,
    value      jsonb NOT NULL,
    updated_by bigint REFERENCES network.accounts (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE network.tenant_plugins (
    tenant_id  bigint NOT NULL REFERENCES network.tenants (id) ON DELETE CASCADE,
    plugin     text NOT NULL,
    enabled    boolean NOT NULL DEFAULT true,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, plugin)
);

CREATE TABLE network.audit_log (
    id         bigserial PRIMARY KEY,
    tenant_id  bigint REFERENCES network.tenants (id) ON DELETE CASCADE,
    account_id bigint REFERENCES network.accounts (id) ON DELETE SET NULL,
    action     text NOT NULL,
    target     text NOT NULL DEFAULT '',
    old_value  jsonb,
    new_value  jsonb,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON network.audit_log (tenant_id, at DESC);

-- Shared secrets (CSRF HMAC key) so every app server behind the balancer agrees.
CREATE TABLE network.secrets (
    name  text PRIMARY KEY,
    value text NOT NULL
);
