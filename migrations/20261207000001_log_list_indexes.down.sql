-- Back to the single-key indexes and unpaged lists' orders.
DROP INDEX channels_name_idx;
ALTER TABLE channels DROP COLUMN name_key;
DROP INDEX api_keys_unrevoked_idx;
DROP INDEX api_keys_created_idx;
DROP INDEX alerts_resolved_list_idx;
DROP INDEX alerts_open_list_idx;
ALTER TABLE alerts DROP COLUMN severity_rank, DROP COLUMN list_tab;
DROP INDEX deliveries_status_idx;
DROP INDEX deliveries_channel_idx;
CREATE INDEX deliveries_channel_idx ON deliveries (tenant_id, channel_id, created_at DESC);
DROP INDEX deliveries_created_idx;
CREATE INDEX deliveries_created_idx ON deliveries (tenant_id, created_at DESC);
