-- Drops tenants and everything typed for them.
DROP TABLE tenants;
DROP TYPE tenant_status;
DROP TYPE tenant_plan;
