-- Alerting: rules on metrics, the alerts they raise (one row per episode, pending → resolved),
-- every transition and notification decision as history, and silences. The evaluator reads
-- rollups and writes here in one tenant transaction per rule pass, together with the outbox rows
-- of the notifications it decides on (see migration …_notifications).

CREATE TABLE alert_rules (
    tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    rule_id          uuid NOT NULL DEFAULT gen_random_uuid(),
    name             text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
    description      text NOT NULL DEFAULT '' CHECK (char_length(description) <= 1000),
    -- By name, not id: a rule may be written before its metric's first point (default rules),
    -- and then evaluates as "no data".
    metric           text NOT NULL CHECK (metric ~ '^[a-z0-9_.]{1,128}$'),
    -- Only series whose labels contain this object; {} = every series.
    series_filter    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(series_filter) = 'object'),
    -- One alert per series (true) or one for the whole (filtered) metric (false).
    per_series       boolean NOT NULL DEFAULT false,
    aggregation      text NOT NULL CHECK (aggregation IN ('avg', 'min', 'max', 'sum', 'count', 'rate', 'p50', 'p95', 'p99')),
    comparison       text NOT NULL CHECK (comparison IN ('gt', 'gte', 'lt', 'lte', 'anomaly')),
    threshold        double precision,
    window_s         integer NOT NULL CHECK (window_s BETWEEN 60 AND 86400),
    pending_s        integer NOT NULL CHECK (pending_s BETWEEN 0 AND 86400),
    severity         text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    -- Attached to every alert of the rule; silences match on them.
    labels           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
    -- Alerts of one rule firing in one pass with equal values of these labels share a notification.
    group_by         text[] NOT NULL DEFAULT '{}',
    channel_ids      uuid[] NOT NULL DEFAULT '{}',
    cooldown_s       integer NOT NULL DEFAULT 0 CHECK (cooldown_s BETWEEN 0 AND 604800),
    -- What an empty window means: its own state, breach, or all clear.
    no_data          text NOT NULL DEFAULT 'no_data' CHECK (no_data IN ('no_data', 'alerting', 'ok')),
    -- [{"after_s": 600, "channel_ids": [...]}, ...] ascending by after_s.
    escalation       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(escalation) = 'array'),
    enabled          boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    last_evaluated_at timestamptz,
    PRIMARY KEY (tenant_id, rule_id),
    CONSTRAINT alert_rules_name_key UNIQUE (tenant_id, name),
    CONSTRAINT alert_rules_threshold CHECK ((comparison = 'anomaly') = (threshold IS NULL))
);
CREATE INDEX alert_rules_enabled_idx ON alert_rules (tenant_id) WHERE enabled;

CREATE TABLE alerts (
    tenant_id        uuid NOT NULL,
    alert_id         uuid NOT NULL DEFAULT gen_random_uuid(),
    rule_id          uuid NOT NULL,
    -- Canonical JSON of the series labels the alert is about ('' for the whole metric).
    fingerprint      text NOT NULL,
    labels           jsonb NOT NULL DEFAULT '{}',
    state            text NOT NULL CHECK (state IN ('pending', 'firing', 'acknowledged', 'resolved', 'no_data', 'error')),
    severity         text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    value            double precision,
    reason           text NOT NULL DEFAULT '',
    started_at       timestamptz NOT NULL,
    fired_at         timestamptz,
    acknowledged_at  timestamptz,
    resolved_at      timestamptz,
    -- When a firing notification last went out (cooldown looks at it across episodes).
    notified_at      timestamptz,
    -- Escalation steps already taken (0 = none).
    escalation_step  integer NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, alert_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES alert_rules (tenant_id, rule_id) ON DELETE CASCADE
);
-- At most one open episode per rule and label set: the evaluator's upsert target.
CREATE UNIQUE INDEX alerts_open_key ON alerts (tenant_id, rule_id, fingerprint) WHERE state <> 'resolved';
CREATE INDEX alerts_state_idx ON alerts (tenant_id, state, started_at DESC);
CREATE INDEX alerts_rule_idx ON alerts (tenant_id, rule_id, fingerprint, notified_at DESC);

-- Every transition, notification, suppression and escalation of an alert: its timeline.
CREATE TABLE alert_events (
    tenant_id        uuid NOT NULL,
    alert_id         uuid NOT NULL,
    event_no         bigint GENERATED ALWAYS AS IDENTITY,
    at               timestamptz NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('transition', 'notified', 'suppressed', 'escalated')),
    from_state       text,
    to_state         text,
    -- NULL: the evaluator.
    actor_user_id    uuid,
    actor_name       text NOT NULL,
    reason           text NOT NULL DEFAULT '',
    value            double precision,
    PRIMARY KEY (tenant_id, alert_id, event_no),
    FOREIGN KEY (tenant_id, alert_id) REFERENCES alerts (tenant_id, alert_id) ON DELETE CASCADE
);

CREATE TABLE silences (
    tenant_id        uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    silence_id       uuid NOT NULL DEFAULT gen_random_uuid(),
    -- A silence names a rule, label matchers, or both (all must match).
    rule_id          uuid,
    -- [{"label": "env", "op": "=", "value": "prod"}, ...]; op one of = != =~ !~.
    matchers         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(matchers) = 'array'),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    comment          text NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 500),
    created_by       uuid,
    created_by_name  text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, silence_id),
    FOREIGN KEY (tenant_id, rule_id) REFERENCES alert_rules (tenant_id, rule_id) ON DELETE CASCADE,
    CONSTRAINT silences_window CHECK (ends_at > starts_at),
    CONSTRAINT silences_target CHECK (rule_id IS NOT NULL OR jsonb_array_length(matchers) > 0)
);
CREATE INDEX silences_active_idx ON silences (tenant_id, ends_at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['alert_rules', 'alerts', 'alert_events', 'silences'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        EXECUTE format($p$CREATE POLICY platform_read ON %I FOR SELECT
            USING (current_setting('app.scope', true) = 'platform')$p$, t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO atrium_app', t);
    END LOOP;
END
$$;

-- Every tenant starts with two rules it can edit or delete: a request error rate and a p95
-- latency. Written by a trigger so every way a tenant is created (the UI, seeding, SQL) gets them
-- in the same transaction. They treat "no data" as all clear, so a tenant that does not send
-- these metrics is not alerted about their absence.
-- SECURITY DEFINER alone is not enough under FORCE ROW LEVEL SECURITY: the insert must pass the
-- tenant policy, so the function enters the new tenant's scope for that one statement and then
-- restores whatever scope the caller had (a platform transaction must not leave with a tenant's).
CREATE FUNCTION create_default_alert_rules(p_tenant uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.tenant_id', true), '');
BEGIN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
    INSERT INTO alert_rules (tenant_id, name, description, metric, aggregation, comparison, threshold,
                             window_s, pending_s, severity, cooldown_s, no_data)
    VALUES
        (p_tenant, 'High error rate',
         'More than 1 error per second (points sent to http.errors) over 5 minutes.',
         'http.errors', 'rate', 'gt', 1, 300, 300, 'high', 1800, 'ok'),
        (p_tenant, 'Slow responses (p95)',
         'The 95th percentile of http.request.duration_ms above 500 ms over 5 minutes.',
         'http.request.duration_ms', 'p95', 'gt', 500, 300, 300, 'medium', 1800, 'ok')
    ON CONFLICT (tenant_id, name) DO NOTHING;
    PERFORM set_config('app.tenant_id', previous, true);
END
$$;

CREATE FUNCTION insert_default_alert_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM create_default_alert_rules(NEW.tenant_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER tenants_default_alert_rules AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION insert_default_alert_rules();

-- Tenants that exist already get them too (read in the platform scope the tenants policy allows).
SELECT set_config('app.scope', 'platform', true);
SELECT create_default_alert_rules(tenant_id) FROM tenants;
SELECT set_config('app.scope', '', true);
