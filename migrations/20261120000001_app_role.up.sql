-- The server never works as the table owner: every connection switches to this role
-- (`SET ROLE atrium_app`) so row-level security always applies, even when the login user
-- that ran the migrations is a superuser. Roles are cluster-wide, hence the existence check.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'atrium_app') THEN
        CREATE ROLE atrium_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

-- The migrating user must be able to switch into the role (a no-op notice when it already can).
GRANT atrium_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO atrium_app;
