-- Support access (issue 14): a platform administrator signs in as a member of a workspace, after
-- giving a reason, to see what they see.
--
-- It is a session of the member that names who opened it and why: every page shows it, and every
-- action taken in it is audited with both identities. It ends when they end it, after an hour,
-- or when the administrator's own account goes (the cascade).
ALTER TABLE sessions
    ADD COLUMN impersonator_id uuid REFERENCES platform_users (platform_user_id) ON DELETE CASCADE,
    ADD COLUMN impersonation_reason text,
    ADD CONSTRAINT sessions_impersonation_check CHECK (
        (impersonator_id IS NULL AND impersonation_reason IS NULL)
        OR (impersonator_id IS NOT NULL AND tenant_id IS NOT NULL
            AND char_length(impersonation_reason) BETWEEN 10 AND 500));

-- A workspace may refuse support access altogether (its Security page).
ALTER TABLE tenants ADD COLUMN allow_impersonation boolean NOT NULL DEFAULT true;

CREATE OR REPLACE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- audit retention (Settings), "require signed ingestion" (API keys), the portal's branding,
    -- its session policy, two-factor requirement and support access, an erasure it asked for,
    -- and the timestamp all of those updates set.
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours', 'require_two_factor',
                 'allow_impersonation',
                 'erase_requested_at', 'erase_after', 'erase_requested_by', 'updated_at']
$$;

-- Audit chain format 3: a format-2 row plus the platform administrator who acted in the member's
-- name (`impersonator_id`, covered by the row's hash). Written only for actions taken during
-- support access; every other row stays format 2.
ALTER TABLE audit_events ADD COLUMN impersonator_id uuid;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_format_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_format_check CHECK (format IN (1, 2, 3));
ALTER TABLE audit_events ADD CONSTRAINT audit_events_impersonator_format CHECK (
    (format = 3) = (impersonator_id IS NOT NULL));
