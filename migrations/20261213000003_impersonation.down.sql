-- Refused (the format check fails, nothing changes) once format-3 audit rows exist: their hash
-- covers impersonator_id, so they cannot be turned back into format 2.
DELETE FROM sessions WHERE impersonator_id IS NOT NULL;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_impersonator_format;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_format_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_format_check CHECK (format IN (1, 2));
ALTER TABLE audit_events DROP COLUMN impersonator_id;

CREATE OR REPLACE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours', 'require_two_factor',
                 'erase_requested_at', 'erase_after', 'erase_requested_by', 'updated_at']
$$;
ALTER TABLE tenants DROP COLUMN allow_impersonation;

ALTER TABLE sessions
    DROP CONSTRAINT sessions_impersonation_check,
    DROP COLUMN impersonation_reason,
    DROP COLUMN impersonator_id;
