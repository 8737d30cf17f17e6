-- Reverts 20261206000001_point_chunks: one row per point again, with the policies, grants and
-- partition functions `points` had before, and every stored point moved back.
CREATE TABLE points (
    tenant_id       uuid NOT NULL,
    series_id       uuid NOT NULL,
    ts              timestamptz NOT NULL,
    value           double precision NOT NULL,
    retention_days  smallint NOT NULL CHECK (retention_days BETWEEN 1 AND 3650)
) PARTITION BY LIST (retention_days);
CREATE INDEX points_series_ts_idx ON points (tenant_id, series_id, ts);
ALTER TABLE points ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points FOR ALL TO atrium_app
    USING (tenant_id = (SELECT app_tenant_id()))
    WITH CHECK (tenant_id = (SELECT app_tenant_id()));
CREATE POLICY platform_read ON points FOR SELECT TO atrium_scope_platform, CURRENT_USER
    USING ((SELECT (app_scope() = 'platform')));
GRANT SELECT, INSERT, UPDATE, DELETE ON points TO atrium_app;
GRANT SELECT ON points TO atrium_scope_platform;

CREATE OR REPLACE FUNCTION ensure_points_partition(p_retention smallint, p_day date) RETURNS void
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

CREATE OR REPLACE FUNCTION drop_expired_points_partitions(p_now timestamptz) RETURNS SETOF text
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

ALTER TABLE point_chunks NO FORCE ROW LEVEL SECURITY;
SELECT ensure_points_partition(retention_days, day)
FROM (SELECT DISTINCT retention_days, (first_ts AT TIME ZONE 'UTC')::date AS day FROM point_chunks) AS days;
INSERT INTO points (tenant_id, series_id, ts, value, retention_days)
SELECT c.tenant_id, c.series_id, p.t, p.v, c.retention_days
FROM point_chunks c, unnest(c.ts, c.value) AS p (t, v);
DROP TABLE point_chunks;
ALTER TABLE points FORCE ROW LEVEL SECURITY;
