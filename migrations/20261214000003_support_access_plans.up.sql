-- Every plan includes support access, as before it was a feature (the triggers of
-- 20261209000001_plans put it in every tenant's `features`). The platform takes it out of a plan
-- on the Plans page, or out of one workspace with its feature switch; support sessions already
-- open end at their next request, since the session lookup checks the feature.
INSERT INTO plan_features (plan, feature)
SELECT plan, 'support_access' FROM unnest(enum_range(NULL::tenant_plan)) AS p (plan)
ON CONFLICT DO NOTHING;
