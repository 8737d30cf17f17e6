-- Erasing a whole workspace (issue 13, data rights). A tenant administrator asks for it with the
-- slug typed again; the workspace keeps working for ATRIUM_TENANT_ERASE_DELAY_HOURS, during which
-- a platform administrator (or the workspace's own administrators) can cancel; then the
-- tenant_erasure job purges every row of it and records `tenant.erase` on the platform chain.
ALTER TABLE tenants
    ADD COLUMN erase_requested_at timestamptz,
    ADD COLUMN erase_after timestamptz,
    -- The member who asked (no foreign key: they may be erased themselves before the purge).
    ADD COLUMN erase_requested_by uuid,
    ADD CONSTRAINT tenants_erase_check CHECK (
        (erase_requested_at IS NULL) = (erase_after IS NULL)
        AND (erase_after IS NULL OR erase_after > erase_requested_at)
        AND (erase_requested_by IS NULL OR erase_requested_at IS NOT NULL));

-- The job's "which workspaces are due?" reads this small index, never the tenants table.
CREATE INDEX tenants_erase_due_idx ON tenants (erase_after) WHERE erase_after IS NOT NULL;

-- A tenant transaction may ask for and withdraw its own erasure.
CREATE OR REPLACE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- audit retention (Settings), "require signed ingestion" (API keys), the portal's branding,
    -- its session policy, its erasure request, and the timestamp all of those updates set.
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours',
                 'erase_requested_at', 'erase_after', 'erase_requested_by', 'updated_at']
$$;

-- The owner's DELETE on raw points, for tenant_purge below (the table forces row-level security
-- and had only a read policy for platform scope: ingest never deletes, partitions are dropped).
CREATE POLICY platform_purge ON point_chunks FOR DELETE TO CURRENT_USER
    USING ((SELECT app_scope()) = 'platform');

-- Deletes a tenant and everything it owns, in the caller's transaction. Most tables go with the
-- tenant row (ON DELETE CASCADE); raw points (partitioned, no foreign key, for ingest speed) and
-- the audit trail (no foreign key, so a deleted tenant's trail can outlive it) are deleted here
-- first. p_keep_audit keeps the trail, as the platform's immediate "Delete tenant" always has (it
-- is pruned after 365 days); erasure passes false. Returns the rows deleted per table, or NULL
-- when the tenant does not exist. Platform scope only: granted to that scope's role alone, and
-- checked again here.
CREATE FUNCTION tenant_purge(p_tenant_id uuid, p_keep_audit boolean) RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_points      bigint;
    v_events      bigint := 0;
    v_checkpoints bigint := 0;
    v_heads       bigint := 0;
BEGIN
    IF app_scope() IS DISTINCT FROM 'platform' THEN
        RAISE EXCEPTION 'tenant_purge runs in platform scope only' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM 1 FROM tenants WHERE tenant_id = p_tenant_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;

    DELETE FROM point_chunks WHERE tenant_id = p_tenant_id;
    GET DIAGNOSTICS v_points = ROW_COUNT;

    IF NOT p_keep_audit THEN
        -- The head first, so an append racing the purge waits and then finds no chain.
        PERFORM 1 FROM audit_chain_heads WHERE tenant_id = p_tenant_id FOR UPDATE;
        DELETE FROM audit_events WHERE tenant_id = p_tenant_id;
        GET DIAGNOSTICS v_events = ROW_COUNT;
        DELETE FROM audit_checkpoints WHERE tenant_id = p_tenant_id;
        GET DIAGNOSTICS v_checkpoints = ROW_COUNT;
        DELETE FROM audit_chain_heads WHERE tenant_id = p_tenant_id;
        GET DIAGNOSTICS v_heads = ROW_COUNT;
    END IF;

    DELETE FROM tenants WHERE tenant_id = p_tenant_id;
    RETURN jsonb_build_object('point_chunks', v_points, 'audit_events', v_events,
                              'audit_checkpoints', v_checkpoints, 'audit_chain_heads', v_heads);
END
$$;

REVOKE ALL ON FUNCTION tenant_purge(uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_purge(uuid, boolean) TO atrium_scope_platform;
