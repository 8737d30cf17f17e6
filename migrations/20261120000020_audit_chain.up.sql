-- Tamper evidence for the audit trail: every row joins a hash chain per tenant (tenant_id NULL is
-- the platform chain). The app computes row_hash = SHA-256(prev_hash || canonical row content)
-- (see app/src/audit/chain.rs) while holding its chain's head row FOR UPDATE, so appends to one
-- chain are serialised and chain_seq has no gaps. request_id ties a row to the server's logs.
ALTER TABLE audit_events
    ADD COLUMN request_id text CHECK (char_length(request_id) <= 128),
    ADD COLUMN chain_seq  bigint,
    ADD COLUMN prev_hash  bytea,
    ADD COLUMN row_hash   bytea;

-- Rows written before this migration have no chain; NOT VALID leaves them be (verification
-- counts them as unchained) while every row inserted from now on must be chained.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained CHECK (
    chain_seq IS NOT NULL AND chain_seq >= 1
    AND prev_hash IS NOT NULL AND octet_length(prev_hash) = 32
    AND row_hash IS NOT NULL AND octet_length(row_hash) = 32
) NOT VALID;

-- One position per chain; also the index verification and pruning walk.
CREATE UNIQUE INDEX audit_events_chain_key ON audit_events (tenant_id, chain_seq) NULLS NOT DISTINCT
    WHERE chain_seq IS NOT NULL;
-- Keyset pagination of the audit page and export (newest first), and the action filter.
CREATE INDEX audit_events_tenant_id_idx ON audit_events (tenant_id, audit_id DESC);
CREATE INDEX audit_events_action_idx ON audit_events (action, audit_id DESC);

-- The last link of each chain. Locking this row is what serialises appends to one chain; it also
-- lets verification notice rows deleted from the end of a chain.
CREATE TABLE audit_chain_heads (
    tenant_id   uuid,
    last_seq    bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash   bytea NOT NULL DEFAULT decode(repeat('00', 32), 'hex') CHECK (octet_length(last_hash) = 32),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- NULL is the platform chain, and there is exactly one of it.
    CONSTRAINT audit_chain_heads_tenant_key UNIQUE NULLS NOT DISTINCT (tenant_id)
);
ALTER TABLE audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_chain_heads
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_scope ON audit_chain_heads
    USING (current_setting('app.scope', true) = 'platform')
    WITH CHECK (current_setting('app.scope', true) = 'platform');
-- Sign-in writes platform-chain rows (platform admins' logins and failures) in the auth scope;
-- tenant users' sign-in events are written inside their tenant's transaction.
CREATE POLICY auth_platform_chain ON audit_chain_heads
    USING (current_setting('app.scope', true) = 'auth' AND tenant_id IS NULL)
    WITH CHECK (current_setting('app.scope', true) = 'auth' AND tenant_id IS NULL);
GRANT SELECT, INSERT, UPDATE ON audit_chain_heads TO atrium_app;

