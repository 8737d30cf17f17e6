-- Drops the per-tenant audit retention setting.
ALTER TABLE tenants DROP COLUMN audit_retention_days;
