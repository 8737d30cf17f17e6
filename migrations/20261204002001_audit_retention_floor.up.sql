-- Audit retention gets a floor of 30 days (was 1): anyone holding settings:update could set one
-- day and have the next hourly prune remove the trail of their own recent actions. The app
-- refuses less than 30 with a field error; this constraint holds whoever writes the row. Tenants
-- below the floor are raised to it (keeping more history, never less).
UPDATE tenants SET audit_retention_days = 30 WHERE audit_retention_days < 30;
ALTER TABLE tenants DROP CONSTRAINT tenants_audit_retention_days_check;
ALTER TABLE tenants
    ADD CONSTRAINT tenants_audit_retention_days_check CHECK (audit_retention_days BETWEEN 30 AND 3650);
