-- Restores PUBLIC's default EXECUTE and the invoker's rights for the trigger function.
GRANT EXECUTE ON FUNCTION insert_default_alert_rules() TO PUBLIC;
GRANT EXECUTE ON FUNCTION create_default_alert_rules(uuid) TO PUBLIC;
ALTER FUNCTION insert_default_alert_rules() SECURITY INVOKER RESET search_path;
