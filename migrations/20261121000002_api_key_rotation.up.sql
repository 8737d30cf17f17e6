-- API keys, second part: what authenticating and rotating need beyond the table itself.
--
-- Rotation replaces the key and its signing secret together (a leaked key usually leaks with its
-- signing secret), so during the grace period a request made with the previous key is verified
-- against the previous signing secret. It lives and dies with `previous_secret_hash`.
ALTER TABLE api_keys ADD COLUMN previous_signing_secret bytea;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_previous_signing_pair
    CHECK ((previous_signing_secret IS NULL) = (previous_secret_hash IS NULL));

-- Authenticating a key also needs its tenant's status (suspended tenants are refused), plan
-- (quotas) and signing policy. The 'api_key' scope (ApiKeyTx, read-only) may read tenants for
-- that, as the 'auth' scope does for sign-in; it still writes nothing.
CREATE POLICY api_key_lookup ON tenants FOR SELECT
    USING (current_setting('app.scope', true) = 'api_key');
