-- Back to plain grants on sessions and platform administrators.
DROP POLICY IF EXISTS platform_scope ON platform_users;
DROP POLICY IF EXISTS auth_sign_in ON platform_users;
DROP POLICY IF EXISTS auth_lookup ON platform_users;
ALTER TABLE platform_users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE platform_users DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS platform_delete ON sessions;
DROP POLICY IF EXISTS platform_read ON sessions;
DROP POLICY IF EXISTS auth_scope ON sessions;
DROP POLICY IF EXISTS tenant_isolation ON sessions;
ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE sessions DISABLE ROW LEVEL SECURITY;
