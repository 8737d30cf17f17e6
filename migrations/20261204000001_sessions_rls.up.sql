-- Sessions and platform administrators under row-level security. Until now both tables were
-- plain grants to the app role, so any transaction (a tenant's included) could read the Super
-- Admin's password hash or end another tenant's sessions; only the application's queries kept
-- them apart. Each scope now gets its own policy, as on every tenant table.
--
-- The settings are read in a sub-select, so PostgreSQL evaluates each one once per query (an
-- InitPlan) instead of once per row. The policies name no column but the keys, so columns added
-- later (e.g. a session's last activity) need no change here.

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
-- A tenant transaction: its own users' sessions only. Signing in writes the session in the
-- tenant's transaction (atomic with the audit row); signing out, "everywhere", disabling,
-- deleting and password resets end them there.
CREATE POLICY tenant_isolation ON sessions
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
-- The auth scope resolves any session by its token hash before anyone is known, writes platform
-- administrators' sessions, ends them and removes expired ones.
CREATE POLICY auth_scope ON sessions
    USING ((SELECT current_setting('app.scope', true)) = 'auth')
    WITH CHECK ((SELECT current_setting('app.scope', true)) = 'auth');
-- The platform scope may see sessions and end them (e.g. a led clean-up job); it never creates
-- or extends one.
CREATE POLICY platform_read ON sessions FOR SELECT
    USING ((SELECT current_setting('app.scope', true)) = 'platform');
CREATE POLICY platform_delete ON sessions FOR DELETE
    USING ((SELECT current_setting('app.scope', true)) = 'platform');

ALTER TABLE platform_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_users FORCE ROW LEVEL SECURITY;
-- Sign-in finds a platform administrator by email, counts failures and resets them; the session
-- lookup joins the administrator. It creates and deletes none. No tenant policy: a tenant
-- transaction sees no platform administrator at all.
CREATE POLICY auth_lookup ON platform_users FOR SELECT
    USING ((SELECT current_setting('app.scope', true)) = 'auth');
CREATE POLICY auth_sign_in ON platform_users FOR UPDATE
    USING ((SELECT current_setting('app.scope', true)) = 'auth')
    WITH CHECK ((SELECT current_setting('app.scope', true)) = 'auth');
-- The platform scope manages platform administrators (seeding creates the first).
CREATE POLICY platform_scope ON platform_users
    USING ((SELECT current_setting('app.scope', true)) = 'platform')
    WITH CHECK ((SELECT current_setting('app.scope', true)) = 'platform');
