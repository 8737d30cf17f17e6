-- The auth scope writes sign-in events of platform administrators only: those belong to the
-- platform chain (tenant_id NULL). A tenant user's sign-in events are written in that tenant's
-- transaction. Without `tenant_id IS NULL` an auth-scope insert could put a row into any
-- tenant's trail (audit_chain_heads already limits the auth scope to the platform chain).
DROP POLICY auth_insert ON audit_events;
CREATE POLICY auth_insert ON audit_events FOR INSERT
    WITH CHECK ((SELECT current_setting('app.scope', true)) = 'auth' AND tenant_id IS NULL);
