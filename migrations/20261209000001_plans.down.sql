-- Back to plans as constants in the code, as before this migration.
DROP FUNCTION tenant_limit(uuid, plan_limit);
DROP TRIGGER tenants_features ON tenants;
DROP FUNCTION tenants_set_features();
ALTER TABLE tenants DROP COLUMN features;
DROP TABLE tenant_feature_overrides;
DROP FUNCTION tenant_feature_overrides_changed();
DROP TABLE tenant_limit_overrides;
DROP TABLE plan_features;
DROP FUNCTION plan_features_changed();
DROP FUNCTION tenant_features_of(uuid, tenant_plan);
DROP TABLE plan_limits;
DROP TYPE plan_feature;
DROP TYPE plan_limit;
