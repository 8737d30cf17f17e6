-- Back to one FOR ALL tenant policy on tenants and no column check.
DROP TRIGGER IF EXISTS tenants_tenant_scope_update ON tenants;
DROP FUNCTION IF EXISTS tenants_tenant_scope_update();
DROP POLICY IF EXISTS tenant_settings ON tenants;
DROP POLICY IF EXISTS tenant_read ON tenants;
CREATE POLICY tenant_isolation ON tenants
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
