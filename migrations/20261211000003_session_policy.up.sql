-- A workspace's own session policy (issue 13, the portal's security settings): how long a
-- session may sit unused and how long it may last at most. NULL keeps the platform's values
-- (ATRIUM_SESSION_IDLE_MINUTES and the session lifetime); a workspace can only shorten them:
-- the session lookup takes the smaller of the two (app/src/auth/db.rs).
ALTER TABLE tenants
    ADD COLUMN session_idle_minutes integer
        CONSTRAINT tenants_session_idle_minutes_check CHECK (session_idle_minutes BETWEEN 5 AND 1440),
    ADD COLUMN session_max_hours integer
        CONSTRAINT tenants_session_max_hours_check CHECK (session_max_hours BETWEEN 1 AND 720);

-- The columns a tenant transaction may change on its own tenant row, in one place: the trigger
-- below reads them here, so a migration that lets tenants set a new column replaces this short
-- function instead of copying the whole trigger again.
CREATE FUNCTION tenants_tenant_scope_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- audit retention (Settings), "require signed ingestion" (API keys), the portal's branding,
    -- its session policy, and the timestamp all of those updates set.
    SELECT ARRAY['audit_retention_days', 'require_signed_ingest',
                 'brand_name', 'brand_logo_url', 'brand_color',
                 'session_idle_minutes', 'session_max_hours', 'updated_at']
$$;

CREATE OR REPLACE FUNCTION tenants_tenant_scope_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    allowed constant text[] := tenants_tenant_scope_columns();
    changed text;
BEGIN
    IF nullif(current_setting('app.tenant_id', true), '') IS NULL
       OR coalesce(current_setting('app.scope', true), '') = 'platform' THEN
        RETURN NEW;
    END IF;
    SELECT string_agg(n.key, ', ' ORDER BY n.key) INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n
     WHERE n.key <> ALL (allowed) AND n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key
       AND NOT EXISTS (SELECT FROM pg_attribute a
                       WHERE a.attrelid = TG_RELID AND a.attname = n.key AND a.attgenerated <> '');
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'a tenant transaction may not change the tenant''s %', changed
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'plan, status, name and slug change in the platform scope';
    END IF;
    RETURN NEW;
END
$$;
