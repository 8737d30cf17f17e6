-- Nonces of signed API requests (signature scheme v2), so a captured request cannot be replayed
-- within the timestamp window. A request's nonce is inserted in its key's tenant transaction with
-- ON CONFLICT DO NOTHING: no row inserted means the nonce was already used with that key, and the
-- request is refused. Stored in PostgreSQL rather than in a replica's memory so every replica sees
-- every nonce.
--
-- `expires_at` is the end of the window in which the request's signed timestamp is still accepted;
-- after it the signature is stale anyway, so the led `signature_nonce_cleanup` job deletes the row.
-- Tenant data: tenant_id leads the primary key and the foreign key, as on every tenant table, and a
-- revoked or deleted key takes its nonces with it.
CREATE TABLE signature_nonces (
    tenant_id   uuid NOT NULL,
    api_key_id  uuid NOT NULL,
    -- As the client sent it (X-Atrium-Nonce); the app accepts 16 to 64 of [A-Za-z0-9_-].
    nonce       text NOT NULL CHECK (nonce ~ '^[A-Za-z0-9_-]{16,64}$'),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, api_key_id, nonce),
    FOREIGN KEY (tenant_id, api_key_id) REFERENCES api_keys (tenant_id, api_key_id) ON DELETE CASCADE
);
-- The clean-up job deletes by expiry across tenants.
CREATE INDEX signature_nonces_expires_at_idx ON signature_nonces (expires_at);

ALTER TABLE signature_nonces ENABLE ROW LEVEL SECURITY;
ALTER TABLE signature_nonces FORCE ROW LEVEL SECURITY;
-- The settings are read in a sub-select, so PostgreSQL evaluates each one once per query (an
-- InitPlan) instead of once per row.
CREATE POLICY tenant_isolation ON signature_nonces
    USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid))
    WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
-- The platform scope (the led clean-up job) finds and deletes expired nonces; it never writes one.
CREATE POLICY platform_read ON signature_nonces FOR SELECT
    USING ((SELECT current_setting('app.scope', true)) = 'platform');
CREATE POLICY platform_delete ON signature_nonces FOR DELETE
    USING ((SELECT current_setting('app.scope', true)) = 'platform');

-- No UPDATE: a nonce is written once and deleted when it expires.
GRANT SELECT, INSERT, DELETE ON signature_nonces TO atrium_app;
