-- Back to counting users per request and the single-column list indexes.
DROP TRIGGER users_counted_out ON users;
DROP TRIGGER users_counted_in ON users;
DROP FUNCTION count_removed_users();
DROP FUNCTION count_added_users();
DROP TABLE tenant_user_counts;

DROP INDEX tenants_slug_trgm_idx;
DROP INDEX tenants_name_trgm_idx;
DROP INDEX tenants_created_idx;
CREATE INDEX tenants_created_idx ON tenants (created_at);
DROP INDEX tenants_status_idx;
DROP INDEX tenants_plan_idx;
DROP INDEX tenants_slug_sort_idx;
DROP INDEX tenants_name_idx;
CREATE INDEX tenants_name_idx ON tenants (lower(name));
ALTER TABLE tenants DROP COLUMN status_key, DROP COLUMN plan_key, DROP COLUMN name_key;
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
     WHERE n.key <> ALL (allowed) AND n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;
    IF changed IS NOT NULL THEN
        RAISE EXCEPTION 'a tenant transaction may not change the tenant''s %', changed
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'plan, status, name and slug change in the platform scope';
    END IF;
    RETURN NEW;
END
$$;

DROP INDEX users_email_trgm_idx;
DROP INDEX users_name_trgm_idx;
DROP INDEX users_login_idx;
DROP INDEX users_status_idx;
DROP INDEX users_role_idx;
DROP INDEX users_name_idx;
DROP INDEX users_email_idx;
CREATE INDEX users_email_idx ON users (email);
DROP INDEX users_tenant_login_idx;
DROP INDEX users_tenant_status_idx;
DROP INDEX users_tenant_role_idx;
DROP INDEX users_tenant_email_sort_idx;
DROP INDEX users_tenant_name_idx;
ALTER TABLE users DROP COLUMN status_key, DROP COLUMN role_key, DROP COLUMN login_key, DROP COLUMN name_key;

DROP EXTENSION IF EXISTS pg_trgm;
