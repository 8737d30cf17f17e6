-- Drops the audit trail.
DROP TABLE audit_events;
