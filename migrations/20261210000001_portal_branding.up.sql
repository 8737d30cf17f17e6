-- A tenant's portal branding (issue 13): the name its portal shows, a logo address and a primary
-- colour. NULL means "not set": the tenant's name, no logo, Atrium's own colours. `brand_color`
-- has been on the table since it was created (20261120000002), unused until now.
--
-- The tenant's administrators set them in their own transaction, so the three columns join the
-- allow-list of the tenant-scope update trigger. The checks repeat the parsers of
-- `atrium_types::portal` (https only, #rrggbb), so a value that reaches a `style` or `src`
-- attribute is one of those shapes whoever wrote it.
ALTER TABLE tenants
    ADD COLUMN brand_name text
        CONSTRAINT tenants_brand_name_check CHECK (char_length(brand_name) BETWEEN 1 AND 80),
    ADD COLUMN brand_logo_url text
        CONSTRAINT tenants_brand_logo_url_check
        CHECK (brand_logo_url ~* '^https://[^/?#@\s]+' AND char_length(brand_logo_url) <= 2048);

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
