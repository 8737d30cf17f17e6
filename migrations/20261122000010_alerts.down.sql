-- Drops alerting (history and alerts with their rules) and the default-rules trigger.
DROP TRIGGER IF EXISTS tenants_default_alert_rules ON tenants;
DROP FUNCTION IF EXISTS insert_default_alert_rules();
DROP FUNCTION IF EXISTS create_default_alert_rules(uuid);
DROP TABLE IF EXISTS silences;
DROP TABLE IF EXISTS alert_events;
DROP TABLE IF EXISTS alerts;
DROP TABLE IF EXISTS alert_rules;
