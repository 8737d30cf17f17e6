-- What a tenant transaction may do to its own tenant row. The old `tenant_isolation` policy was
-- FOR ALL, so a tenant transaction could change its plan or status, rename itself, or delete
-- itself; only the application's code (those changes go through PlatformTx) prevented it.
--
-- Now a tenant transaction may read its row and update it, and the update may change only the
-- settings the tenant's own admins own. A policy cannot compare old and new values, so a trigger
-- checks the columns. It is an allow-list: a column added later is platform-only until it is
-- added to `allowed` below (a new tenant setting written in a TenantTx must be added there).
-- Creating and deleting tenants is left to the platform scope (`platform_scope`, unchanged).
DROP POLICY tenant_isolation ON tenants;
CREATE POLICY tenant_read ON tenants FOR SELECT
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
CREATE POLICY tenant_settings ON tenants FOR UPDATE
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));

-- Applies only inside a tenant transaction (app.tenant_id set, not the platform scope), so the
-- platform scope and the owner (migrations) change any column.
CREATE FUNCTION tenants_tenant_scope_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    -- audit retention (Settings), "require signed ingestion" (API keys), and the timestamp
    -- both of those updates set.
    allowed constant text[] := ARRAY['audit_retention_days', 'require_signed_ingest', 'updated_at'];
    changed text;
BEGIN
    IF nullif(current_setting('app.tenant_id', true), '') IS NULL
       OR coalesce(current_setting('app.scope', true), '') = 'platform' THEN
        RETURN NEW;
    END IF;
    SELECT string_agg(n.key, ', ' ORDER BY n.key) INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n
     WHERE n.key <> ALL (allowed) AND n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'a tenant transaction may not change the tenant''s %', changed
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'plan, status, name and slug change in the platform scope';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tenants_tenant_scope_update BEFORE UPDATE ON tenants
    FOR EACH ROW EXECUTE FUNCTION tenants_tenant_scope_update();
