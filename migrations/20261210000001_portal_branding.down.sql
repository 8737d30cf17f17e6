-- Back to no branding: the allow-list without the branding columns (as 20261205000004 left it),
-- then the two columns it added go
-- (`brand_color` is older).
CREATE OR REPLACE FUNCTION tenants_tenant_scope_update() RETURNS trigger
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
ALTER TABLE tenants DROP COLUMN brand_logo_url, DROP COLUMN brand_name;
