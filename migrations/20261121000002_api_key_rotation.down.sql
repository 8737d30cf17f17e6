DROP POLICY IF EXISTS api_key_lookup ON tenants;
ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_previous_signing_pair;
ALTER TABLE api_keys DROP COLUMN IF EXISTS previous_signing_secret;
