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
    -- Why a channel is off: a person turned it off ('manual'), every delivery failed for the
    -- configured period ('failing'), or the receiver answered 410 Gone ('gone').
    disabled_reason  text CHECK (disabled_reason IN ('manual', 'failing', 'gone')),
    disabled_at      timestamptz,
    -- Since when every attempt has failed; cleared by a success. The auto-disable clock.
    failing_since    timestamptz,
    -- Standard Webhooks signing secret (webhook channels), kept as bytes because the sender signs
    -- with it; during a rotation's overlap the previous secret signs too, until it expires.
    secret                      bytea,
    previous_secret             bytea,
    previous_secret_expires_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel_id),
    CONSTRAINT channels_name_key UNIQUE (tenant_id, name),
    CONSTRAINT channels_disabled_reason CHECK (enabled = (disabled_reason IS NULL)),
    CONSTRAINT channels_previous_pair CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
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
    -- Attempts in the current cycle (a replay starts a new one); counted when claimed, so an
    -- attempt whose worker died still counts and a message that kills workers cannot loop forever.
    attempts         integer NOT NULL DEFAULT 0,
    -- NULL: as many as the server's retry schedule has; 1 for a channel's "send test".
    max_attempts     integer CHECK (max_attempts > 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- The claim of the worker attempting it now; the row is not due again before `leased_until`,
    -- so a worker that dies mid-attempt loses it to another after the lease.
    lease_token      uuid,
    leased_until     timestamptz,
    -- The latest attempt, for lists; every attempt is in delivery_attempts.
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_latency_ms  integer,
    last_error       text,
    replays          integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    PRIMARY KEY (tenant_id, delivery_id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, channel_id) ON DELETE CASCADE
);
-- Workers look for due work across tenants.
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_sources_idx ON deliveries USING gin (source_ids);
CREATE INDEX deliveries_channel_idx ON deliveries (tenant_id, channel_id, created_at DESC);
CREATE INDEX deliveries_created_idx ON deliveries (tenant_id, created_at DESC);

-- One row per attempt: what the receiver answered (or why there was no answer) and how long it took.
CREATE TABLE delivery_attempts (
    tenant_id        uuid NOT NULL,
    delivery_id      uuid NOT NULL,
    attempt_id       bigint GENERATED ALWAYS AS IDENTITY,
    -- Position in its cycle (1 = first attempt after enqueue or replay).
    attempt          integer NOT NULL,
    started_at       timestamptz NOT NULL,
    latency_ms       integer NOT NULL,
    outcome          text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
    status_code      integer,
    error            text,
    -- At most 1 KiB of the receiver's answer, for debugging their side.
    response_excerpt text CHECK (octet_length(response_excerpt) <= 1024),
    PRIMARY KEY (tenant_id, delivery_id, attempt_id),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES deliveries (tenant_id, delivery_id) ON DELETE CASCADE
);

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
-- Workers claim due deliveries of every tenant before they know whose they are: the 'outbox'
-- scope (OutboxTx) may read deliveries and update them (the lease), nothing else. Reading the
-- channel, sending and recording the attempt then happen in the delivery's own TenantTx.
CREATE POLICY outbox_claim ON deliveries FOR SELECT
    USING (current_setting('app.scope', true) = 'outbox');
CREATE POLICY outbox_lease ON deliveries FOR UPDATE
    USING (current_setting('app.scope', true) = 'outbox')
    WITH CHECK (current_setting('app.scope', true) = 'outbox');

ALTER TABLE delivery_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery_attempts
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY platform_read ON delivery_attempts FOR SELECT
    USING (current_setting('app.scope', true) = 'platform');

GRANT SELECT, INSERT, UPDATE, DELETE ON channels, deliveries, delivery_attempts TO atrium_app;
