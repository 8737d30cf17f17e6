-- Keyset paging for the lists that grow with time rather than with a tenant's size (issue 12,
-- item 2): the delivery log, the alerts list and the API keys list; and the rule editor's channel
-- chooser, which searches rather than loads every channel (item 3). Each sort order has an index
-- that returns a tenant's rows in that order, sort key then id (the id breaks ties and is the
-- cursor's last part), so any page is one index range however long the history.

-- The delivery log, newest first: on its own, for one channel, and for one status.
DROP INDEX deliveries_created_idx;
CREATE INDEX deliveries_created_idx ON deliveries (tenant_id, created_at, delivery_id);
DROP INDEX deliveries_channel_idx;
CREATE INDEX deliveries_channel_idx ON deliveries (tenant_id, channel_id, created_at, delivery_id);
CREATE INDEX deliveries_status_idx ON deliveries (tenant_id, status, created_at, delivery_id);

-- Open alerts, most severe then newest first, per tab of the alerts page. The tab and the rank
-- are stored columns: under row-level security neither a CASE expression nor `state IN (…)` of
-- several states would be an index condition, and the planner estimates `list_tab = 'firing'`
-- from its statistics where it would multiply `state <> 'resolved'` and `state IN (…)` into far
-- too few rows and sort instead of reading the index.
ALTER TABLE alerts
    ADD COLUMN list_tab text GENERATED ALWAYS AS (
        CASE WHEN state IN ('firing', 'no_data', 'error') THEN 'firing' ELSE state END) STORED,
    ADD COLUMN severity_rank integer GENERATED ALWAYS AS (
        CASE severity WHEN 'critical' THEN 3 WHEN 'high' THEN 2 WHEN 'medium' THEN 1 ELSE 0 END) STORED;
CREATE INDEX alerts_open_list_idx ON alerts (tenant_id, list_tab, severity_rank, started_at, alert_id)
    WHERE list_tab <> 'resolved';
-- Resolved alerts, the history that grows without bound, most recently resolved first.
CREATE INDEX alerts_resolved_list_idx ON alerts (tenant_id, resolved_at, alert_id)
    WHERE state = 'resolved';

-- A tenant's API keys, newest first: all of them, and the unrevoked ones (the "active" and
-- "expired" filters, and the quota's count of active keys, never read the revoked history).
CREATE INDEX api_keys_created_idx ON api_keys (tenant_id, created_at, api_key_id);
CREATE INDEX api_keys_unrevoked_idx ON api_keys (tenant_id, created_at, api_key_id) WHERE revoked_at IS NULL;

-- Channels by name, case-insensitively: the rule editor shows the first few and searches the
-- rest. A stored key, as for users, so that the order is an index's.
ALTER TABLE channels ADD COLUMN name_key text GENERATED ALWAYS AS (lower(name)) STORED;
CREATE INDEX channels_name_idx ON channels (tenant_id, name_key, channel_id);
