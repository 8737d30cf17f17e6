-- Raw points stored as chunks (issue 12, item 4). One row per point cost a tuple header, five
-- columns and an index entry, about 190 bytes and two tuple inserts for 16 bytes of data: writing
-- the raw points was the larger half of PostgreSQL's work per ingested batch. A chunk holds one
-- series' points of one batch and UTC day as two parallel arrays in time order. At most 100
-- points keeps a row under the TOAST threshold (about 2 kB), so it is stored inline and never
-- compressed on the write path. Read points back with
--   SELECT series_id, t, v FROM point_chunks, unnest(ts, value) AS p (t, v)
-- Nothing in the app reads raw points today: panels and alerts read rollups. They are kept for
-- the plan's raw retention, for exports and for rebuilding rollups.
CREATE TABLE point_chunks (
    tenant_id       uuid NOT NULL,
    series_id       uuid NOT NULL,
    first_ts        timestamptz NOT NULL,
    last_ts         timestamptz NOT NULL,
    ts              timestamptz[] NOT NULL,
    value           double precision[] NOT NULL,
    retention_days  smallint NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
    CONSTRAINT point_chunks_shape CHECK (
        array_ndims(ts) = 1 AND array_ndims(value) = 1
        AND cardinality(ts) BETWEEN 1 AND 100 AND cardinality(value) = cardinality(ts)
        AND ts[1] = first_ts AND ts[cardinality(ts)] = last_ts AND first_ts <= last_ts),
    -- A chunk lies within one UTC day, so dropping a day's partition drops exactly its points.
    CONSTRAINT point_chunks_one_day CHECK (
        (first_ts AT TIME ZONE 'UTC')::date = (last_ts AT TIME ZONE 'UTC')::date)
) PARTITION BY LIST (retention_days);
CREATE INDEX point_chunks_series_ts_idx ON point_chunks (tenant_id, series_id, first_ts);

-- Policies as on every tenant table since 20261205000003/…05: the tenant's own rows for the app
-- role, read-only across tenants in the platform scope. The app only inserts and reads.
ALTER TABLE point_chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON point_chunks FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_read ON point_chunks FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT (app_scope() = 'platform')));
GRANT SELECT, INSERT ON point_chunks TO atrium_app;
GRANT SELECT ON point_chunks TO atrium_scope_platform;

-- The partition functions keep their names and signatures (the app and its grants call them) and
-- now manage point_chunks: point_chunks_r<retention> per class, point_chunks_r<retention>_<day>.
CREATE OR REPLACE FUNCTION ensure_points_partition(p_retention smallint, p_day date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    class_name text := format('point_chunks_r%s', p_retention);
    day_name text := format('point_chunks_r%s_%s', p_retention, to_char(p_day, 'YYYYMMDD'));
BEGIN
    IF p_retention IS NULL OR p_retention NOT BETWEEN 1 AND 3650 OR p_day IS NULL THEN
        RAISE EXCEPTION 'invalid partition request (%, %)', p_retention, p_day;
    END IF;
    IF to_regclass(day_name) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('atrium.points_partitions'));
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF point_chunks FOR VALUES IN (%s) PARTITION BY RANGE (first_ts)',
                   class_name, p_retention);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                   day_name, class_name,
                   (p_day::timestamp AT TIME ZONE 'UTC'), ((p_day + 1)::timestamp AT TIME ZONE 'UTC'));
END $$;

CREATE OR REPLACE FUNCTION drop_expired_points_partitions(p_now timestamptz) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    part record;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('atrium.points_partitions'));
    FOR part IN
        SELECT child.relname AS name,
               substring(child.relname FROM '^point_chunks_r([0-9]+)_')::int AS retention,
               to_date(substring(child.relname FROM '_([0-9]{8})$'), 'YYYYMMDD') AS day
        FROM pg_inherits i
        JOIN pg_class parent ON parent.oid = i.inhparent
        JOIN pg_class child ON child.oid = i.inhrelid
        WHERE parent.relname ~ '^point_chunks_r[0-9]+$' AND child.relname ~ '^point_chunks_r[0-9]+_[0-9]{8}$'
    LOOP
        IF ((part.day + 1)::timestamp AT TIME ZONE 'UTC') <= p_now - make_interval(days => part.retention) THEN
            EXECUTE format('DROP TABLE %I', part.name);
            RETURN NEXT part.name;
        END IF;
    END LOOP;
END $$;

-- Move the stored points: 100 per chunk, per series, class and UTC day, in time order. Row-level
-- security is not forced during the move, so an owner that is not a superuser reads and writes
-- every tenant's rows here (FORCE is set again below).
ALTER TABLE points NO FORCE ROW LEVEL SECURITY;
SELECT ensure_points_partition(retention_days, day)
FROM (SELECT DISTINCT retention_days, (ts AT TIME ZONE 'UTC')::date AS day FROM points) AS days;
INSERT INTO point_chunks (tenant_id, series_id, first_ts, last_ts, ts, value, retention_days)
SELECT tenant_id, series_id, min(ts), max(ts), array_agg(ts ORDER BY ts), array_agg(value ORDER BY ts),
       retention_days
FROM (SELECT p.*, (ts AT TIME ZONE 'UTC')::date AS day,
             (row_number() OVER (PARTITION BY tenant_id, series_id, retention_days, (ts AT TIME ZONE 'UTC')::date
                                 ORDER BY ts) - 1) / 100 AS chunk
      FROM points p) AS numbered
GROUP BY tenant_id, series_id, retention_days, day, chunk;
DROP TABLE points;
ALTER TABLE point_chunks FORCE ROW LEVEL SECURITY;
