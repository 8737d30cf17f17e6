-- Functions are executable by PUBLIC unless revoked. `create_default_alert_rules` runs with its
-- owner's rights (SECURITY DEFINER) and enters any tenant's scope it is given, so any role, the
-- app role in one tenant's transaction included, could write rules into another tenant.
--
-- Only the AFTER INSERT trigger on tenants needs it. The trigger function now runs as the owner
-- (a trigger function cannot be called except as a trigger, so that opens nothing), and nobody
-- else may execute either function. The other SECURITY DEFINER functions (audit_prune_chain,
-- ensure_points_partition, drop_expired_points_partitions) were already revoked from PUBLIC and
-- granted to atrium_app alone; app/tests/rls.rs checks that none is executable by PUBLIC.
ALTER FUNCTION insert_default_alert_rules() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE ALL ON FUNCTION create_default_alert_rules(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION insert_default_alert_rules() FROM PUBLIC;
