-- Rollups without a foreign key to metrics (issue 12, ingestion). Every batch inserts about a
-- thousand rollup rows, and the key's check ran once per row: an SPI lookup of the metric plus a
-- KEY SHARE lock on its row, all for the one or two metrics a batch carries. Dropping it made
-- ingestion 15-18% faster on the bench (`bench/run.sh ingest --points 2M`, alternating runs).
-- Metrics are never deleted on their own; they go with their tenant, and raw points already have
-- no foreign key for the same reason, so tenant_purge now deletes rollups explicitly too, before
-- the tenant row. Ingestion writes rollups only for metric ids it has just upserted in the same
-- transaction, so no orphan can be written.
ALTER TABLE rollups DROP CONSTRAINT rollups_tenant_id_metric_id_fkey;

-- The owner's DELETE on rollups, for tenant_purge below (as for point_chunks).
CREATE POLICY platform_purge ON rollups FOR DELETE TO CURRENT_USER
    USING ((SELECT app_scope()) = 'platform');

-- As in 20261212000001_tenant_erasure, plus rollups.
CREATE OR REPLACE FUNCTION tenant_purge(p_tenant_id uuid, p_keep_audit boolean) RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    v_points      bigint;
    v_rollups     bigint;
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
    DELETE FROM rollups WHERE tenant_id = p_tenant_id;
    GET DIAGNOSTICS v_rollups = ROW_COUNT;

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
    RETURN jsonb_build_object('point_chunks', v_points, 'rollups', v_rollups, 'audit_events', v_events,
                              'audit_checkpoints', v_checkpoints, 'audit_chain_heads', v_heads);
END
$$;
