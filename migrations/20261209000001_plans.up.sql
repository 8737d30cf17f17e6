-- Plans the platform controls (issue 13). Until now a plan's limits were constants in the code;
-- platform administrators now edit each plan's limits and features, and set a tenant's own value
-- for any of them (a larger customer on the Starter plan, a feature switched on for a trial).
--
-- * `plan_limits` and `plan_features` define the four plans. A plan has a row for every limit
--   (the server refuses to start serving a plan without one) and a row for each feature it
--   includes.
-- * `tenant_limit_overrides` and `tenant_feature_overrides` hold a tenant's own values: no row
--   means "as the plan says". A feature override can switch a feature off as well as on.
-- * Plans are not secret: every scope may read them (the API-key scope for request rates, a
--   tenant for its usage page). Only the platform scope writes them.
-- * A tenant reads its own overrides and never writes them; the platform scope does both.
--
-- How long raw points and rollups are kept stays a property of the plan in the code: it decides
-- which storage class (partition set) a point is written to.

CREATE TYPE plan_limit AS ENUM (
    'users', 'api_keys', 'metrics', 'series', 'points_per_day', 'alert_rules', 'channels',
    'audit_retention_days', 'api_requests_per_key', 'api_requests_per_tenant'
);
CREATE TYPE plan_feature AS ENUM ('anomaly_detection', 'permission_sets', 'delegations', 'escalation');

CREATE TABLE plan_limits (
    plan        tenant_plan NOT NULL,
    limit_name  plan_limit NOT NULL,
    value       bigint NOT NULL CHECK (value >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan, limit_name)
);

CREATE TABLE plan_features (
    plan        tenant_plan NOT NULL,
    feature     plan_feature NOT NULL,
    PRIMARY KEY (plan, feature)
);

CREATE TABLE tenant_limit_overrides (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    limit_name  plan_limit NOT NULL,
    value       bigint NOT NULL CHECK (value >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, limit_name)
);

CREATE TABLE tenant_feature_overrides (
    tenant_id   uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    feature     plan_feature NOT NULL,
    enabled     boolean NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, feature)
);

-- The values the code had (API keys, points, series, request rates), and the new limits sized so
-- that each plan is about ten times the one below it.
INSERT INTO plan_limits (plan, limit_name, value)
SELECT plan::tenant_plan, limit_name::plan_limit, value
  FROM (VALUES
    ('free', 'users', 10), ('starter', 'users', 50), ('professional', 'users', 500), ('enterprise', 'users', 100000),
    ('free', 'api_keys', 3), ('starter', 'api_keys', 10), ('professional', 'api_keys', 25), ('enterprise', 'api_keys', 100),
    ('free', 'metrics', 200), ('starter', 'metrics', 2000), ('professional', 'metrics', 20000), ('enterprise', 'metrics', 200000),
    ('free', 'series', 1000), ('starter', 'series', 10000), ('professional', 'series', 100000), ('enterprise', 'series', 1000000),
    ('free', 'points_per_day', 1000000), ('starter', 'points_per_day', 10000000),
    ('professional', 'points_per_day', 100000000), ('enterprise', 'points_per_day', 1000000000),
    ('free', 'alert_rules', 20), ('starter', 'alert_rules', 100), ('professional', 'alert_rules', 1000), ('enterprise', 'alert_rules', 10000),
    ('free', 'channels', 5), ('starter', 'channels', 20), ('professional', 'channels', 100), ('enterprise', 'channels', 1000),
    ('free', 'audit_retention_days', 365), ('starter', 'audit_retention_days', 730),
    ('professional', 'audit_retention_days', 1825), ('enterprise', 'audit_retention_days', 3650),
    ('free', 'api_requests_per_key', 60), ('starter', 'api_requests_per_key', 300),
    ('professional', 'api_requests_per_key', 1200), ('enterprise', 'api_requests_per_key', 6000),
    ('free', 'api_requests_per_tenant', 100), ('starter', 'api_requests_per_tenant', 600),
    ('professional', 'api_requests_per_tenant', 3000), ('enterprise', 'api_requests_per_tenant', 15000)
  ) AS v (plan, limit_name, value);

INSERT INTO plan_features (plan, feature)
SELECT plan::tenant_plan, feature::plan_feature
  FROM (VALUES
    ('starter', 'escalation'),
    ('professional', 'anomaly_detection'), ('professional', 'permission_sets'),
    ('professional', 'delegations'), ('professional', 'escalation'),
    ('enterprise', 'anomaly_detection'), ('enterprise', 'permission_sets'),
    ('enterprise', 'delegations'), ('enterprise', 'escalation')
  ) AS v (plan, feature);

ALTER TABLE plan_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_limits FORCE ROW LEVEL SECURITY;
ALTER TABLE plan_features ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_features FORCE ROW LEVEL SECURITY;
ALTER TABLE tenant_limit_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_limit_overrides FORCE ROW LEVEL SECURITY;
ALTER TABLE tenant_feature_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_feature_overrides FORCE ROW LEVEL SECURITY;

-- Plans: readable in every scope, written by the platform scope only.
CREATE POLICY read_all ON plan_limits FOR SELECT
    TO atrium_app, atrium_scope_platform, atrium_scope_api_key, atrium_scope_auth, CURRENT_USER
    USING (true);
CREATE POLICY platform_write ON plan_limits FOR UPDATE TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT app_scope()) = 'platform')
    WITH CHECK ((SELECT app_scope()) = 'platform');
CREATE POLICY read_all ON plan_features FOR SELECT
    TO atrium_app, atrium_scope_platform, atrium_scope_api_key, atrium_scope_auth, CURRENT_USER
    USING (true);
CREATE POLICY platform_insert ON plan_features FOR INSERT TO atrium_scope_platform, CURRENT_USER
    WITH CHECK ((SELECT app_scope()) = 'platform');
CREATE POLICY platform_delete ON plan_features FOR DELETE TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT app_scope()) = 'platform');

-- Overrides: a tenant reads its own, the API-key scope reads them for request rates, the
-- platform scope does everything.
CREATE POLICY tenant_read ON tenant_limit_overrides FOR SELECT TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY api_key_lookup ON tenant_limit_overrides FOR SELECT TO atrium_scope_api_key, CURRENT_USER
    USING ((SELECT app_scope()) = 'api_key');
CREATE POLICY platform_scope ON tenant_limit_overrides FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT app_scope()) = 'platform')
    WITH CHECK ((SELECT app_scope()) = 'platform');
CREATE POLICY tenant_read ON tenant_feature_overrides FOR SELECT TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_scope ON tenant_feature_overrides FOR ALL TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT app_scope()) = 'platform')
    WITH CHECK ((SELECT app_scope()) = 'platform');

-- The features each tenant has on, kept on its row (`tenants.features`) by the triggers below:
-- every signed-in request reads them with the permissions (to hide and refuse what is off), and
-- one more column of a row it already reads costs nothing, where computing them from the plan
-- and the switches cost the permission query about a fifth of its speed (pgbench). A tenant's
-- own transaction cannot change the column (`tenants_tenant_scope_update` allows only settings).
ALTER TABLE tenants ADD COLUMN features plan_feature[] NOT NULL DEFAULT '{}';

-- What `tenants.features` should hold for one tenant on `p_plan`. Runs as the owner in the
-- platform scope (like `audit_prune_chain`), so it reads every switch whoever changed the plan.
CREATE FUNCTION tenant_features_of(p_tenant_id uuid, p_plan tenant_plan) RETURNS plan_feature[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
SET app.scope = 'platform'
AS $$
    SELECT coalesce(array_agg(f.feature ORDER BY f.feature), '{}')
      FROM unnest(enum_range(NULL::plan_feature)) AS f (feature)
      LEFT JOIN plan_features p ON p.plan = p_plan AND p.feature = f.feature
      LEFT JOIN tenant_feature_overrides o ON o.tenant_id = p_tenant_id AND o.feature = f.feature
     WHERE coalesce(o.enabled, p.plan IS NOT NULL)
$$;
REVOKE ALL ON FUNCTION tenant_features_of(uuid, tenant_plan) FROM PUBLIC;

-- A new tenant, or one moved to another plan, gets that plan's features (and its own switches).
CREATE FUNCTION tenants_set_features() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.features := tenant_features_of(NEW.tenant_id, NEW.plan);
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION tenants_set_features() FROM PUBLIC;
CREATE TRIGGER tenants_features BEFORE INSERT OR UPDATE OF plan ON tenants
    FOR EACH ROW EXECUTE FUNCTION tenants_set_features();

-- A plan's features changed: every tenant on it again. A tenant's switch changed: that tenant.
CREATE FUNCTION plan_features_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
SET app.scope = 'platform'
AS $$
BEGIN
    UPDATE tenants t SET features = tenant_features_of(t.tenant_id, t.plan)
     WHERE t.plan IN (SELECT plan FROM changed)
       AND t.features IS DISTINCT FROM tenant_features_of(t.tenant_id, t.plan);
    RETURN NULL;
END
$$;
CREATE FUNCTION tenant_feature_overrides_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public
SET app.scope = 'platform'
AS $$
BEGIN
    UPDATE tenants t SET features = tenant_features_of(t.tenant_id, t.plan)
     WHERE t.tenant_id IN (SELECT tenant_id FROM changed);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION plan_features_changed() FROM PUBLIC;
REVOKE ALL ON FUNCTION tenant_feature_overrides_changed() FROM PUBLIC;
CREATE TRIGGER plan_features_added AFTER INSERT ON plan_features
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION plan_features_changed();
CREATE TRIGGER plan_features_removed AFTER DELETE ON plan_features
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION plan_features_changed();
CREATE TRIGGER tenant_feature_overrides_added AFTER INSERT ON tenant_feature_overrides
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenant_feature_overrides_changed();
CREATE TRIGGER tenant_feature_overrides_updated AFTER UPDATE ON tenant_feature_overrides
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenant_feature_overrides_changed();
CREATE TRIGGER tenant_feature_overrides_removed AFTER DELETE ON tenant_feature_overrides
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION tenant_feature_overrides_changed();

UPDATE tenants SET features = tenant_features_of(tenant_id, plan);

-- One limit of one tenant (its own value, else its plan's), for queries of other domains that need
-- a limit beside their own rows (the API-key lookup reads the request rates with the key). Read
-- through the caller's policies; PL/pgSQL for the same reason as `tenant_features`.
CREATE FUNCTION tenant_limit(p_tenant_id uuid, p_limit plan_limit) RETURNS bigint
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    AS $$
    BEGIN
        RETURN coalesce(
            (SELECT o.value FROM tenant_limit_overrides o
              WHERE o.tenant_id = p_tenant_id AND o.limit_name = p_limit),
            (SELECT l.value FROM tenants t JOIN plan_limits l ON l.plan = t.plan
              WHERE t.tenant_id = p_tenant_id AND l.limit_name = p_limit));
    END
    $$;

GRANT SELECT ON plan_limits, plan_features TO atrium_app, atrium_scope_api_key, atrium_scope_auth;
GRANT SELECT, UPDATE ON plan_limits TO atrium_scope_platform;
GRANT SELECT, INSERT, DELETE ON plan_features TO atrium_scope_platform;
GRANT SELECT ON tenant_limit_overrides, tenant_feature_overrides TO atrium_app;
GRANT SELECT ON tenant_limit_overrides TO atrium_scope_api_key;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_limit_overrides, tenant_feature_overrides TO atrium_scope_platform;
