-- Retention without breaking verification. The app role may not delete audit rows, so pruning
-- goes through one SECURITY DEFINER function that can only remove what retention allows. Before
-- deleting the oldest rows of a chain it records a checkpoint: the chain_seq and row_hash of the
-- last row removed. Verification then starts from the newest checkpoint instead of the genesis
-- hash: the first kept row must carry chain_seq = checkpoint + 1 and prev_hash = its row_hash.
CREATE TABLE audit_checkpoints (
    checkpoint_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid,
    chain_seq      bigint NOT NULL CHECK (chain_seq >= 1),
    row_hash       bytea NOT NULL CHECK (octet_length(row_hash) = 32),
    pruned_rows    bigint NOT NULL,
    cutoff         timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_checkpoints_chain_idx ON audit_checkpoints (tenant_id, chain_seq DESC);

ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoints FOR SELECT
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_scope ON audit_checkpoints
    USING (current_setting('app.scope', true) = 'platform')
    WITH CHECK (current_setting('app.scope', true) = 'platform');
-- Read-only for the app: checkpoints are written by audit_prune_chain alone.
GRANT SELECT ON audit_checkpoints TO atrium_app;

-- Prunes one chain (p_tenant_id NULL = the platform chain) down to its retention: the tenant's
-- audit_retention_days, 365 for the platform chain and for tenants that no longer exist. Takes
-- the chain head FOR UPDATE so no append interleaves. Rows are removed by chain position up to
-- the newest expired one, so the kept rows stay one contiguous run. Returns the rows deleted.
-- SET app.scope applies only inside the call (restored on return), so the caller's scope is
-- unaffected and the owner's queries pass the platform policies even without BYPASSRLS.
CREATE FUNCTION audit_prune_chain(p_tenant_id uuid) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
SET app.scope = 'platform'
AS $$
DECLARE
    v_retention integer;
    v_cutoff    timestamptz;
    v_seq       bigint;
    v_hash      bytea;
    v_deleted   bigint;
    v_unchained bigint;
BEGIN
    PERFORM 1 FROM audit_chain_heads h
     WHERE (p_tenant_id IS NULL AND h.tenant_id IS NULL) OR h.tenant_id = p_tenant_id
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;

    SELECT t.audit_retention_days INTO v_retention FROM tenants t WHERE t.tenant_id = p_tenant_id;
    v_cutoff := now() - make_interval(days => coalesce(v_retention, 365));

    SELECT e.chain_seq, e.row_hash INTO v_seq, v_hash
      FROM audit_events e
     WHERE ((p_tenant_id IS NULL AND e.tenant_id IS NULL) OR e.tenant_id = p_tenant_id)
       AND e.chain_seq IS NOT NULL AND e.occurred_at < v_cutoff
     ORDER BY e.chain_seq DESC
     LIMIT 1;

    -- Rows from before the chain existed expire by age alone.
    DELETE FROM audit_events e
     WHERE ((p_tenant_id IS NULL AND e.tenant_id IS NULL) OR e.tenant_id = p_tenant_id)
       AND e.chain_seq IS NULL AND e.occurred_at < v_cutoff;
    GET DIAGNOSTICS v_unchained = ROW_COUNT;

    IF v_seq IS NULL THEN
        RETURN v_unchained;
    END IF;

    DELETE FROM audit_events e
     WHERE ((p_tenant_id IS NULL AND e.tenant_id IS NULL) OR e.tenant_id = p_tenant_id)
       AND e.chain_seq <= v_seq;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;

    INSERT INTO audit_checkpoints (tenant_id, chain_seq, row_hash, pruned_rows, cutoff)
    VALUES (p_tenant_id, v_seq, v_hash, v_deleted, v_cutoff);
    RETURN v_deleted + v_unchained;
END
$$;

REVOKE ALL ON FUNCTION audit_prune_chain(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_prune_chain(uuid) TO atrium_app;
