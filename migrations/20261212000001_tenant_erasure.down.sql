-- Back to the session policy release: no erasure requests, no purge function.
DROP FUNCTION IF EXISTS tenant_purge(uuid, boolean);
DROP POLICY IF EXISTS platform_purge ON point_chunks;
CREATE OR REPLACE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours', 'updated_at']
$$;
DROP INDEX IF EXISTS tenants_erase_due_idx;
ALTER TABLE tenants
    DROP CONSTRAINT IF EXISTS tenants_erase_check,
    DROP COLUMN IF EXISTS erase_requested_by,
    DROP COLUMN IF EXISTS erase_after,
    DROP COLUMN IF EXISTS erase_requested_at;
