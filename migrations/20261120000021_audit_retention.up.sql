-- How long each tenant keeps its audit trail. Pruning (next migration) deletes older rows and
-- leaves a checkpoint so the rest of the chain still verifies. A year by default; at least a day
-- so a slip cannot wipe today's trail, at most ten years.
ALTER TABLE tenants
    ADD COLUMN audit_retention_days integer NOT NULL DEFAULT 365
        CONSTRAINT tenants_audit_retention_days_check CHECK (audit_retention_days BETWEEN 1 AND 3650);
