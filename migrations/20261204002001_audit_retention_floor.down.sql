-- Back to the original 1–3650 day bounds (values raised to 30 stay at 30).
ALTER TABLE tenants DROP CONSTRAINT tenants_audit_retention_days_check;
ALTER TABLE tenants
    ADD CONSTRAINT tenants_audit_retention_days_check CHECK (audit_retention_days BETWEEN 1 AND 3650);
