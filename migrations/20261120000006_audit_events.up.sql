-- Audit trail of every mutation, written in the same transaction as the change. tenant_id is
-- NULL for platform-only events (e.g. a platform admin signing in). The permissions issue adds
-- the per-tenant hash chain on top of this table.
CREATE TABLE audit_events (
    audit_id     bigint GENERATED ALWAYS AS IDENTITY,
    tenant_id    uuid,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor_kind   text NOT NULL CHECK (actor_kind IN ('platform_user', 'user', 'system', 'anonymous')),
    actor_id     uuid,
    actor_email  text,
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    text,
    before       jsonb,
    after        jsonb,
    ip           text,
    user_agent   text,
    PRIMARY KEY (audit_id)
);
CREATE INDEX audit_events_tenant_time_idx ON audit_events (tenant_id, occurred_at DESC);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_scope ON audit_events
    USING (current_setting('app.scope', true) = 'platform')
    WITH CHECK (current_setting('app.scope', true) = 'platform');
-- Login outcomes are recorded before any tenant or platform scope exists.
CREATE POLICY auth_insert ON audit_events FOR INSERT
    WITH CHECK (current_setting('app.scope', true) = 'auth');
-- Append-only for the app: no UPDATE or DELETE grant.
GRANT SELECT, INSERT ON audit_events TO atrium_app;
