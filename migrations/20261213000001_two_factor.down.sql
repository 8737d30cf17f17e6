DROP TABLE sign_in_challenges;

CREATE OR REPLACE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours',
                 'erase_requested_at', 'erase_after', 'erase_requested_by', 'updated_at']
$$;
ALTER TABLE tenants DROP COLUMN require_two_factor;

ALTER TABLE platform_users
    DROP CONSTRAINT platform_users_totp_confirmed_check,
    DROP COLUMN totp_backup_codes,
    DROP COLUMN totp_last_step,
    DROP COLUMN totp_confirmed_at,
    DROP COLUMN totp_secret;
ALTER TABLE users
    DROP CONSTRAINT users_totp_confirmed_check,
    DROP COLUMN totp_backup_codes,
    DROP COLUMN totp_last_step,
    DROP COLUMN totp_confirmed_at,
    DROP COLUMN totp_secret;
