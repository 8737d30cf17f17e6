-- API keys: machine access for one tenant (metrics ingestion, REST reads). The secret is shown once;
-- only its SHA-256 is stored (the secret is 32 random bytes, so a fast hash is enough: there is
-- nothing to brute-force). `prefix` is a short public part of the key for recognising it in lists.
-- Rotation keeps the previous secret valid until `previous_expires_at` (a grace period for
-- deployments to pick up the new one). The signing secret verifies optional HMAC-SHA256 request
-- signatures, so it has to be readable by the server: it stays behind the same RLS as the key.
CREATE TABLE api_keys (
    tenant_id             uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    api_key_id            uuid NOT NULL DEFAULT gen_random_uuid(),
    name                  text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    prefix                text NOT NULL CHECK (prefix ~ '^[a-z0-9]{8}$'),
    secret_hash           bytea NOT NULL,
    previous_secret_hash  bytea,
    previous_expires_at   timestamptz,
    signing_secret        bytea NOT NULL,
    -- Scope names as the app spells them ('metrics:write', 'metrics:read'); checked there.
    scopes                text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 16),
    created_by            uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    expires_at            timestamptz,
    last_used_at          timestamptz,
    revoked_at            timestamptz,
    PRIMARY KEY (tenant_id, api_key_id),
    CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash),
    CONSTRAINT api_keys_prefix_key UNIQUE (prefix),
    CONSTRAINT api_keys_previous_pair CHECK ((previous_secret_hash IS NULL) = (previous_expires_at IS NULL))
);
CREATE UNIQUE INDEX api_keys_api_key_id_key ON api_keys (api_key_id);
CREATE INDEX api_keys_previous_secret_idx ON api_keys (previous_secret_hash) WHERE previous_secret_hash IS NOT NULL;

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_read ON api_keys FOR SELECT
    USING (current_setting('app.scope', true) = 'platform');
-- Authenticating a request by its key happens before the tenant is known: the 'api_key' scope may
-- read keys (the lookup is by secret hash) and nothing else.
CREATE POLICY api_key_lookup ON api_keys FOR SELECT
    USING (current_setting('app.scope', true) = 'api_key');

-- Tenants may require every ingestion request to be signed.
ALTER TABLE tenants ADD COLUMN require_signed_ingest boolean NOT NULL DEFAULT false;

GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO atrium_app;
