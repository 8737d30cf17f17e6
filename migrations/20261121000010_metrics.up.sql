-- Metrics and their labelled series. A metric is declared the first time points arrive for it (name
-- checked by the app: [a-z0-9_.]{1,128}); unit and description are edited in the UI. A series is
-- one label set of one metric; jsonb equality ignores key order, so the unique key identifies it.
CREATE TABLE metrics (
    tenant_id    uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    metric_id    uuid NOT NULL DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (name ~ '^[a-z0-9_.]{1,128}$'),
    unit         text NOT NULL DEFAULT '' CHECK (char_length(unit) <= 32),
    description  text NOT NULL DEFAULT '' CHECK (char_length(description) <= 500),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, metric_id),
    CONSTRAINT metrics_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE series (
    tenant_id   uuid NOT NULL,
    series_id   uuid NOT NULL DEFAULT gen_random_uuid(),
    metric_id   uuid NOT NULL,
    labels      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, series_id),
    FOREIGN KEY (tenant_id, metric_id) REFERENCES metrics (tenant_id, metric_id) ON DELETE CASCADE,
    CONSTRAINT series_labels_key UNIQUE (tenant_id, metric_id, labels)
);
-- Label filters (labels @> '{"host":"web-1"}') within one metric.
CREATE INDEX series_labels_idx ON series USING gin (labels jsonb_path_ops);

-- Raw points, partitioned first by how long they are kept (the tenant's plan at ingestion time)
-- and then by UTC day, so retention is enforced by dropping whole daily partitions of a class.
-- Partitions are created by ensure_points_partition (below), never by the app role directly.
CREATE TABLE points (
    tenant_id       uuid NOT NULL,
    series_id       uuid NOT NULL,
    ts              timestamptz NOT NULL,
    value           double precision NOT NULL,
    retention_days  smallint NOT NULL CHECK (retention_days BETWEEN 1 AND 3650)
) PARTITION BY LIST (retention_days);
CREATE INDEX points_series_ts_idx ON points (tenant_id, series_id, ts);

-- Rollups per bucket (60 s or 3600 s) and series, maintained on ingest. series_id is the nil uuid
-- for the metric's aggregate over all its series, so a panel without a label filter reads one row
-- per bucket. The sketch is a serialized DDSketch (mergeable; relative-error quantiles).
CREATE TABLE rollups (
    tenant_id     uuid NOT NULL,
    metric_id     uuid NOT NULL,
    resolution_s  integer NOT NULL CHECK (resolution_s IN (60, 3600)),
    series_id     uuid NOT NULL,
    bucket        timestamptz NOT NULL,
    count         bigint NOT NULL CHECK (count >= 0),
    sum           double precision NOT NULL,
    min           double precision NOT NULL,
    max           double precision NOT NULL,
    sketch        bytea NOT NULL,
    PRIMARY KEY (tenant_id, metric_id, resolution_s, series_id, bucket),
    FOREIGN KEY (tenant_id, metric_id) REFERENCES metrics (tenant_id, metric_id) ON DELETE CASCADE
);
CREATE INDEX rollups_bucket_idx ON rollups (resolution_s, bucket);

-- Points accepted per tenant and UTC day: the daily quota and the dashboard's "points today".
CREATE TABLE usage_daily (
    tenant_id  uuid NOT NULL REFERENCES tenants (tenant_id) ON DELETE CASCADE,
    day        date NOT NULL,
    points     bigint NOT NULL DEFAULT 0 CHECK (points >= 0),
    rejected   bigint NOT NULL DEFAULT 0 CHECK (rejected >= 0),
    PRIMARY KEY (tenant_id, day)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['metrics', 'series', 'points', 'rollups', 'usage_daily'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        -- Platform overview (fleet-wide panels, per-tenant key figures) reads across tenants.
        EXECUTE format($p$CREATE POLICY platform_read ON %I FOR SELECT
            USING (current_setting('app.scope', true) = 'platform')$p$, t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO atrium_app', t);
    END LOOP;
END $$;

-- Creates the partition of `points` for one retention class and UTC day if it is missing.
-- SECURITY DEFINER: the app role may not run DDL; this is the one narrow door. Concurrent callers
-- serialize on an advisory lock so two replicas cannot race on the same CREATE.
CREATE FUNCTION ensure_points_partition(p_retention smallint, p_day date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    class_name text := format('points_r%s', p_retention);
    day_name text := format('points_r%s_%s', p_retention, to_char(p_day, 'YYYYMMDD'));
BEGIN
    IF p_retention IS NULL OR p_retention NOT BETWEEN 1 AND 3650 OR p_day IS NULL THEN
        RAISE EXCEPTION 'invalid partition request (%, %)', p_retention, p_day;
    END IF;
    IF to_regclass(day_name) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('atrium.points_partitions'));
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF points FOR VALUES IN (%s) PARTITION BY RANGE (ts)',
                   class_name, p_retention);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   day_name, class_name,
                   (p_day::timestamp AT TIME ZONE 'UTC'), ((p_day + 1)::timestamp AT TIME ZONE 'UTC'));
END $$;

-- Drops every daily partition whose whole day lies beyond its class's retention, and returns the
-- names dropped (for the job's log).
CREATE FUNCTION drop_expired_points_partitions(p_now timestamptz) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    part record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('atrium.points_partitions'));
    FOR part IN
        SELECT child.relname AS name,
               substring(child.relname FROM '^points_r([0-9]+)_')::int AS retention,
               to_date(substring(child.relname FROM '_([0-9]{8})$'), 'YYYYMMDD') AS day
        FROM pg_inherits i
        JOIN pg_class parent ON parent.oid = i.inhparent
        JOIN pg_class child ON child.oid = i.inhrelid
        WHERE parent.relname ~ '^points_r[0-9]+$' AND child.relname ~ '^points_r[0-9]+_[0-9]{8}$'
    LOOP
        IF ((part.day + 1)::timestamp AT TIME ZONE 'UTC') <= p_now - make_interval(days => part.retention) THEN
            EXECUTE format('DROP TABLE %I', part.name);
            RETURN NEXT part.name;
        END IF;
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION ensure_points_partition(smallint, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION drop_expired_points_partitions(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_points_partition(smallint, date) TO atrium_app;
GRANT EXECUTE ON FUNCTION drop_expired_points_partitions(timestamptz) TO atrium_app;
