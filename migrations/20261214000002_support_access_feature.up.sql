-- Support access as a plan feature (issue 14): a plan may leave it out, so the platform can sell
-- or withhold it, and a workspace may still refuse it with its own setting
-- (`tenants.allow_impersonation`). The value is added here and used by the next migration:
-- PostgreSQL lets a transaction add an enum value but not use it before the value commits.
ALTER TYPE plan_feature ADD VALUE IF NOT EXISTS 'support_access';
