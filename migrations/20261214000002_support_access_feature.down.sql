-- PostgreSQL cannot drop an enum value, so `plan_feature` is rebuilt without 'support_access'
-- (the next migration's down already removed every row that named it) and every column and the
-- one function typed with it move to the rebuilt type.
ALTER TYPE plan_feature RENAME TO plan_feature_before_down;
CREATE TYPE plan_feature AS ENUM ('anomaly_detection', 'permission_sets', 'delegations', 'escalation');
ALTER TABLE plan_features ALTER COLUMN feature TYPE plan_feature USING feature::text::plan_feature;
ALTER TABLE tenant_feature_overrides ALTER COLUMN feature TYPE plan_feature USING feature::text::plan_feature;
ALTER TABLE tenants
    ALTER COLUMN features DROP DEFAULT,
    ALTER COLUMN features TYPE plan_feature[] USING features::text[]::plan_feature[],
    ALTER COLUMN features SET DEFAULT '{}';

-- As in 20261209000001_plans, with the rebuilt return type.
DROP FUNCTION tenant_features_of(uuid, tenant_plan);
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

DROP TYPE plan_feature_before_down;
