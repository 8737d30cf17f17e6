-- Back to the branding release: the trigger with its own allow-list, no session policy.
CREATE OR REPLACE FUNCTION tenants_tenant_scope_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
    -- audit retention (Settings), "require signed ingestion" (API keys), the portal's branding,
    -- and the timestamp all of those updates set.
    allowed constant text[] := ARRAY['audit_retention_days', 'require_signed_ingest',
                                     'brand_name', 'brand_logo_url', 'brand_color', 'updated_at'];
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
DROP FUNCTION IF EXISTS tenants_tenant_scope_columns();
ALTER TABLE tenants DROP COLUMN IF EXISTS session_max_hours, DROP COLUMN IF EXISTS session_idle_minutes;
