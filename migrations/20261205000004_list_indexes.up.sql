-- Lists built for size (issue 12, item 2). A list page must cost the same for a tenant with ten
-- users as for one with a hundred thousand:
--   * every sort order of the users and tenants lists has an index that returns rows in that
--     order, the sort key then the id that breaks ties (the keyset the app pages by), led by
--     tenant_id for a tenant's own list;
--   * trigram indexes answer the lists' `ILIKE '%text%'` search;
--   * each tenant's user count is kept as users come and go, so neither the users list nor the
--     tenants list counts a tenant's users per request.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Sort keys as plain columns. Under row-level security PostgreSQL will not use a condition
-- that calls a function it does not know to be leakproof (lower(), coalesce, enum comparison)
-- as an index condition, only as a filter after the scan, so a keyset condition on
-- `lower(name)` would read every row before the cursor. On stored columns the row comparison
-- `(name_key, user_id) > ($1, $2)` is an index condition and a page starts right at its cursor.
--
-- An enum sort is by the enum's rank, then the name: one text key, the rank's digit then the
-- lowered name (viewer < analyst < manager < admin; active < disabled). One column rather than
-- (rank, name) because PostgreSQL estimates a row comparison from its first column alone: with
-- a rank first, `(rank, …) > (1, …)` would be estimated as `rank > 1`, far too few rows when most
-- users are viewers, and the planner would sort the rest of the tenant instead of reading the
-- index in order.
ALTER TABLE users
    ADD COLUMN name_key text GENERATED ALWAYS AS (lower(name)) STORED,
    -- Never signed in sorts as -infinity: first ascending, last descending.
    ADD COLUMN login_key timestamptz GENERATED ALWAYS AS (coalesce(last_login_at, '-infinity'::timestamptz)) STORED,
    ADD COLUMN role_key text GENERATED ALWAYS AS (
        CASE role WHEN 'viewer' THEN '1' WHEN 'analyst' THEN '2' WHEN 'manager' THEN '3' WHEN 'admin' THEN '4' END
        || ' ' || lower(name)) STORED,
    ADD COLUMN status_key text GENERATED ALWAYS AS (
        CASE status WHEN 'active' THEN '1' WHEN 'disabled' THEN '2' END || ' ' || lower(name)) STORED;

-- A tenant's users, one index per sort order.
CREATE INDEX users_tenant_name_idx ON users (tenant_id, name_key, user_id);
CREATE INDEX users_tenant_email_sort_idx ON users (tenant_id, email, user_id);
CREATE INDEX users_tenant_role_idx ON users (tenant_id, role_key, user_id);
CREATE INDEX users_tenant_status_idx ON users (tenant_id, status_key, user_id);
CREATE INDEX users_tenant_login_idx ON users (tenant_id, login_key, user_id);
-- Every tenant's users (the platform list). The email index also serves sign-in's lookup by
-- email, so it replaces the email-only one.
DROP INDEX users_email_idx;
CREATE INDEX users_email_idx ON users (email, user_id);
CREATE INDEX users_name_idx ON users (name_key, user_id);
CREATE INDEX users_role_idx ON users (role_key, user_id);
CREATE INDEX users_status_idx ON users (status_key, user_id);
CREATE INDEX users_login_idx ON users (login_key, user_id);
CREATE INDEX users_name_trgm_idx ON users USING gin (name gin_trgm_ops);
CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops);

-- Tenants (the platform list).
ALTER TABLE tenants
    ADD COLUMN name_key text GENERATED ALWAYS AS (lower(name)) STORED,
    ADD COLUMN plan_key text GENERATED ALWAYS AS (
        CASE plan WHEN 'free' THEN '1' WHEN 'starter' THEN '2' WHEN 'professional' THEN '3' WHEN 'enterprise' THEN '4' END
        || ' ' || lower(name)) STORED,
    ADD COLUMN status_key text GENERATED ALWAYS AS (
        CASE status WHEN 'active' THEN '1' WHEN 'suspended' THEN '2' END || ' ' || lower(name)) STORED;
-- A tenant's own transaction may change only its settings (20261204000003). Generated columns
-- (the sort keys above, and any later one) follow columns that are checked themselves, and in a
-- BEFORE trigger NEW does not hold them yet, so they would always look changed: they are skipped.
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

DROP INDEX tenants_name_idx;
CREATE INDEX tenants_name_idx ON tenants (name_key, tenant_id);
CREATE INDEX tenants_slug_sort_idx ON tenants (slug, tenant_id);
CREATE INDEX tenants_plan_idx ON tenants (plan_key, tenant_id);
CREATE INDEX tenants_status_idx ON tenants (status_key, tenant_id);
DROP INDEX tenants_created_idx;
CREATE INDEX tenants_created_idx ON tenants (created_at, tenant_id);
CREATE INDEX tenants_name_trgm_idx ON tenants USING gin (name gin_trgm_ops);
CREATE INDEX tenants_slug_trgm_idx ON tenants USING gin (slug gin_trgm_ops);

-- Users per tenant, kept by statement-level triggers on users: one row change per statement
-- and tenant, so a bulk import costs one update, not one per user. Users never move between
-- tenants (no code changes users.tenant_id), so inserts and deletes are all that count.
CREATE TABLE tenant_user_counts (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    users     bigint NOT NULL CHECK (users >= 0)
);
INSERT INTO tenant_user_counts (tenant_id, users)
SELECT t.tenant_id, (SELECT count(*) FROM users u WHERE u.tenant_id = t.tenant_id) FROM tenants t;

-- Read like users: a tenant sees its own count, the platform scope every count. Nobody writes
-- it but the trigger functions below, which run as the owner; RLS is enabled but not forced,
-- so the owner's writes pass.
ALTER TABLE tenant_user_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON tenant_user_counts FOR SELECT TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_read ON tenant_user_counts FOR SELECT TO atrium_scope_platform
    USING ((SELECT app_scope()) = 'platform');
GRANT SELECT ON tenant_user_counts TO atrium_app, atrium_scope_platform;

CREATE FUNCTION count_added_users() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO tenant_user_counts AS c (tenant_id, users)
    SELECT tenant_id, count(*) FROM added GROUP BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE SET users = c.users + excluded.users;
    RETURN NULL;
END $$;

-- When a tenant is deleted its count row goes with it by cascade, and the update finds nothing.
CREATE FUNCTION count_removed_users() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE tenant_user_counts c SET users = c.users - r.n
    FROM (SELECT tenant_id, count(*) AS n FROM removed GROUP BY tenant_id) r
    WHERE c.tenant_id = r.tenant_id;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION count_added_users() FROM PUBLIC;
REVOKE ALL ON FUNCTION count_removed_users() FROM PUBLIC;

CREATE TRIGGER users_counted_in AFTER INSERT ON users
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_added_users();
CREATE TRIGGER users_counted_out AFTER DELETE ON users
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_removed_users();
