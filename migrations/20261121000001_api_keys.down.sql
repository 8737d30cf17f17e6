-- Reverts 20261121000001_api_keys.
ALTER TABLE tenants DROP COLUMN require_signed_ingest;
DROP TABLE api_keys;
