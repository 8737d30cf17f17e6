-- Forgets support access as a feature of plans and workspaces (the triggers take it out of
-- every tenant's `features`), so the previous migration's down can drop the enum value.
DELETE FROM tenant_feature_overrides WHERE feature = 'support_access';
DELETE FROM plan_features WHERE feature = 'support_access';
