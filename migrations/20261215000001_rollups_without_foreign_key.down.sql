-- Back to rollups that go with their metric by foreign key, and tenant_purge as it was.
CREATE OR REPLACE FUNCTION tenant_purge(p_tenant_id uuid, p_keep_audit boolean) RETURNS jsonb
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

DROP POLICY platform_purge ON rollups;

-- Rollups of metrics that no longer exist could not have been kept under the key: delete them
-- before it is checked again.
DELETE FROM rollups r WHERE NOT EXISTS
    (SELECT 1 FROM metrics m WHERE m.tenant_id = r.tenant_id AND m.metric_id = r.metric_id);
ALTER TABLE rollups ADD CONSTRAINT rollups_tenant_id_metric_id_fkey
    FOREIGN KEY (tenant_id, metric_id) REFERENCES metrics (tenant_id, metric_id) ON DELETE CASCADE;
