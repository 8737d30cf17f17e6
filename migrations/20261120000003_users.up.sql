-- Tenant users. tenant_id leads the primary key and every foreign key so the table can be
-- distributed by tenant later. Platform administrators are not tenant users: see platform_users.
CREATE TYPE user_role AS ENUM ('viewer', 'analyst', 'manager', 'admin');
CREATE TYPE user_status AS ENUM ('active', 'disabled');

CREATE TABLE users (
    tenant_id            uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    user_id              uuid NOT NULL DEFAULT gen_random_uuid(),
    -- Stored lowercased by the app so uniqueness is case-insensitive.
    email                text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    name                 text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    password_hash        text NOT NULL,
    role                 user_role NOT NULL DEFAULT 'viewer',
    status               user_status NOT NULL DEFAULT 'active',
    -- Lockout bookkeeping: failures counted within a 15-minute window starting at the first.
    failed_logins        integer NOT NULL DEFAULT 0,
    failed_window_start  timestamptz,
    locked_until         timestamptz,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    CONSTRAINT users_email_key UNIQUE (tenant_id, email)
);
-- user_id alone identifies a user in URLs; uuids do not collide across tenants.
CREATE UNIQUE INDEX users_user_id_key ON users (user_id);
CREATE INDEX users_email_idx ON users (email);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
-- The platform lists users across tenants but changes them only inside that tenant's transaction.
CREATE POLICY platform_read ON users FOR SELECT
    USING (current_setting('app.scope', true) = 'platform');
CREATE POLICY auth_lookup ON users FOR SELECT
    USING (current_setting('app.scope', true) = 'auth');

GRANT SELECT, INSERT, UPDATE, DELETE ON users TO atrium_app;
