-- Two-factor sign-in with TOTP (issue 14, RFC 6238: SHA-1, 6 digits, 30 s steps).
--
-- An account's second factor lives on its own row (users for members, platform_users for
-- platform administrators), so it goes wherever the account goes: erasing a member or a
-- workspace takes it along, and every read and write of a member's factor happens in its
-- tenant's transaction under row-level security like the rest of the row.
--   totp_secret        the shared secret (20 random bytes, RFC 4226's recommended length);
--                      set while enrolling, kept once confirmed.
--   totp_confirmed_at  when a first code proved the authenticator holds the secret; NULL while
--                      enrolling. Only a confirmed factor is asked for at sign-in.
--   totp_last_step     the latest time step a code was accepted for: a code of that step or an
--                      earlier one is refused, so an observed code cannot be replayed.
--   totp_backup_codes  SHA-256 of each unused backup code; using one removes it.
ALTER TABLE users
    ADD COLUMN totp_secret bytea CONSTRAINT users_totp_secret_check CHECK (octet_length(totp_secret) = 20),
    ADD COLUMN totp_confirmed_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN totp_backup_codes bytea[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT users_totp_confirmed_check CHECK (totp_confirmed_at IS NULL OR totp_secret IS NOT NULL);
ALTER TABLE platform_users
    ADD COLUMN totp_secret bytea CONSTRAINT platform_users_totp_secret_check CHECK (octet_length(totp_secret) = 20),
    ADD COLUMN totp_confirmed_at timestamptz,
    ADD COLUMN totp_last_step bigint,
    ADD COLUMN totp_backup_codes bytea[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT platform_users_totp_confirmed_check CHECK (totp_confirmed_at IS NULL OR totp_secret IS NOT NULL);

-- A workspace can require a second factor of every member: one without it is sent to enrolment
-- after the password instead of into the workspace.
ALTER TABLE tenants ADD COLUMN require_two_factor boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- audit retention (Settings), "require signed ingestion" (API keys), the portal's branding,
    -- its session policy and two-factor requirement, an erasure it asked for, and the timestamp
    -- all of those updates set.
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours', 'require_two_factor',
                 'erase_requested_at', 'erase_after', 'erase_requested_by', 'updated_at']
$$;

-- The step between a right password and a session: the browser holds a short-lived token (only
-- its SHA-256 is stored, as for sessions) that lets it do one thing, prove the second factor
-- ('verify') or set one up because the workspace requires it ('enrol'). It is no session: no
-- page, server function or websocket accepts it.
CREATE TABLE sign_in_challenges (
    token_hash        bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    platform_user_id  uuid REFERENCES platform_users (platform_user_id) ON DELETE CASCADE,
    tenant_id         uuid,
    user_id           uuid,
    purpose           text NOT NULL CHECK (purpose IN ('verify', 'enrol')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    ip                text,
    user_agent        text,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id) ON DELETE CASCADE,
    CONSTRAINT sign_in_challenges_one_principal CHECK (
        (platform_user_id IS NOT NULL AND tenant_id IS NULL AND user_id IS NULL)
        OR (platform_user_id IS NULL AND tenant_id IS NOT NULL AND user_id IS NOT NULL))
);
CREATE INDEX sign_in_challenges_user_idx ON sign_in_challenges (tenant_id, user_id);
CREATE INDEX sign_in_challenges_platform_user_idx ON sign_in_challenges (platform_user_id);
CREATE INDEX sign_in_challenges_expires_idx ON sign_in_challenges (expires_at);

ALTER TABLE sign_in_challenges ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_in_challenges FORCE ROW LEVEL SECURITY;
-- Issued and read before anyone is signed in (the auth scope); a member's is consumed in the
-- tenant's transaction that starts the session.
CREATE POLICY auth_scope ON sign_in_challenges FOR ALL TO atrium_scope_auth, CURRENT_USER
    USING ((SELECT app_scope()) = 'auth')
    WITH CHECK ((SELECT app_scope()) = 'auth');
CREATE POLICY tenant_isolation ON sign_in_challenges FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
GRANT SELECT, INSERT, DELETE ON sign_in_challenges TO atrium_app;
GRANT SELECT, INSERT, DELETE ON sign_in_challenges TO atrium_scope_auth;
