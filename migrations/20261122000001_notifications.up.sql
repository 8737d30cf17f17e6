-- Notification channels and the delivery outbox. An alert transition writes its deliveries in the
-- same transaction as the transition (so nothing acknowledged is lost), and delivery workers on any
-- replica claim due rows with FOR UPDATE SKIP LOCKED, attempt them outside the transaction and
-- record each attempt. `delivery_id` is the `webhook-id` receivers deduplicate by.
CREATE TABLE channels (
    tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    channel_id       uuid NOT NULL DEFAULT gen_random_uuid(),
    name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    kind             text NOT NULL CHECK (kind IN ('webhook', 'slack', 'teams', 'email')),
    -- Kind-specific target: {"url": "..."} for HTTP kinds, {"to": ["a@b", ...]} for email.
    config           jsonb NOT NULL,
    enabled          boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel_id),
    CONSTRAINT channels_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE deliveries (
    tenant_id        uuid NOT NULL,
    delivery_id      uuid NOT NULL DEFAULT gen_random_uuid(),
    channel_id       uuid NOT NULL,
    event_type       text NOT NULL,
    -- The `Notification` as the enqueuing domain built it; rendered per channel kind at send time.
    notification     jsonb NOT NULL,
    -- What the message is about (alert ids), for "deliveries of this alert".
    source_ids       uuid[] NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    PRIMARY KEY (tenant_id, delivery_id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, channel_id) ON DELETE CASCADE
);
-- Workers look for due work across tenants.
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_sources_idx ON deliveries USING gin (source_ids);
CREATE INDEX deliveries_channel_idx ON deliveries (tenant_id, channel_id, created_at DESC);

ALTER TABLE channels ENABLE ROW LEVEL SECURITY;
ALTER TABLE channels FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON channels
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_read ON channels FOR SELECT
    USING (current_setting('app.scope', true) = 'platform');

ALTER TABLE deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON deliveries
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_read ON deliveries FOR SELECT
    USING (current_setting('app.scope', true) = 'platform');

GRANT SELECT, INSERT, UPDATE, DELETE ON channels, deliveries TO atrium_app;
