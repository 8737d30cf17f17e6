//! Analytics queries: declaring metrics and series, writing point chunks and merging rollups on
//! ingest, and reading rollups for panels. Everything runs in the tenant's transaction.

use super::rollup::{Aggregate, Partials, RollupKey, SeriesKey};
use super::sketch::Sketch;
use super::types::{Bucket, MetricSummary};
use crate::db::{PlatformTx, TenantTx};
use crate::ids::{MetricId, SeriesId, TenantId};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// Declares the metrics (no-op for known names) and returns every name's id.
pub async fn upsert_metrics(tx: &mut TenantTx, names: &[String]) -> Result<HashMap<String, MetricId>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query!(
        "INSERT INTO metrics (tenant_id, name) SELECT $1, unnest($2::text[]) ON CONFLICT (tenant_id, name) DO NOTHING",
        tenant,
        names
    )
    .execute(&mut **tx)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT metric_id AS "metric_id: MetricId", name FROM metrics WHERE tenant_id = $1 AND name = ANY($2)"#,
        tenant,
        names
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|row| (row.name, row.metric_id)).collect())
}

/// The ids of the (metric, labels) pairs that already exist.
pub async fn select_series_ids(
    tx: &mut TenantTx,
    pairs: &[(MetricId, Value)],
) -> Result<HashMap<(MetricId, Value), SeriesId>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let metric_ids: Vec<Uuid> = pairs.iter().map(|(m, _)| m.0).collect();
    let labels: Vec<Value> = pairs.iter().map(|(_, l)| l.clone()).collect();
    let rows = sqlx::query!(
        r#"SELECT s.series_id AS "series_id: SeriesId", s.metric_id AS "metric_id: MetricId", s.labels
           FROM series s
           JOIN unnest($2::uuid[], $3::jsonb[]) AS wanted (metric_id, labels)
             ON s.metric_id = wanted.metric_id AND s.labels = wanted.labels
           WHERE s.tenant_id = $1"#,
        tenant,
        &metric_ids,
        &labels
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ((row.metric_id, row.labels), row.series_id))
        .collect())
}

pub async fn count_series(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM series WHERE tenant_id = $1"#,
        tenant
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn insert_series(tx: &mut TenantTx, pairs: &[(MetricId, Value)]) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let metric_ids: Vec<Uuid> = pairs.iter().map(|(m, _)| m.0).collect();
    let labels: Vec<Value> = pairs.iter().map(|(_, l)| l.clone()).collect();
    sqlx::query!(
        "INSERT INTO series (tenant_id, metric_id, labels)
         SELECT $1, * FROM unnest($2::uuid[], $3::jsonb[])
         ON CONFLICT (tenant_id, metric_id, labels) DO NOTHING",
        tenant,
        &metric_ids,
        &labels
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes sure the daily partitions exist. Runs on its own connection *before* the batch's
/// transaction: creating a partition locks the parent, and doing it inside a transaction that
/// already wrote rows could deadlock with another batch doing the same.
pub async fn ensure_partitions(
    db: &crate::db::Db,
    retention_days: i16,
    days: Vec<NaiveDate>,
) -> Result<(), sqlx::Error> {
    let mut conn = crate::db::unscoped_connection(db).await?;
    // One statement for all days (a loop of awaits here trips the compiler's Send inference in
    // the axum handler that calls this).
    sqlx::query!(
        "SELECT ensure_points_partition($1, day) FROM unnest($2::date[]) AS day",
        retention_days,
        &days
    )
    .execute(conn.as_mut())
    .await?;
    Ok(())
}

/// Writes raw points as chunks (see `super::chunks`): one INSERT for the whole batch, the chunks
/// passed as slices of three flat arrays, so the statement's size does not grow with the number
/// of chunks and no staging table is needed. The tenant policy checks every row. `points` are
/// sorted by series, then time.
pub async fn insert_point_chunks(
    tx: &mut TenantTx,
    retention_days: i16,
    points: &[(SeriesId, DateTime<Utc>, f64)],
) -> Result<u64, sqlx::Error> {
    let chunks = super::chunks::Chunks::of_sorted(points);
    let tenant = tx.tenant_id().0;
    let inserted = sqlx::query!(
        "INSERT INTO point_chunks (tenant_id, series_id, first_ts, last_ts, ts, value, retention_days)
         SELECT $1, c.series_id, ($5::timestamptz[])[c.lo], ($5::timestamptz[])[c.hi],
                ($5::timestamptz[])[c.lo:c.hi], ($6::float8[])[c.lo:c.hi], $7
         FROM unnest($2::uuid[], $3::int4[], $4::int4[]) AS c (series_id, lo, hi)",
        tenant,
        &chunks.series_ids,
        &chunks.starts,
        &chunks.ends,
        &chunks.ts,
        &chunks.values,
        retention_days
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted)
}

fn resolution_from(seconds: i32) -> Bucket {
    if seconds == 3_600 { Bucket::Hour } else { Bucket::Minute }
}

/// Merges the batch's partials into the stored rollups and returns every touched row's new
/// state. New rows are inserted as they are; existing rows are locked in key order, merged in
/// Rust (sketches cannot be merged in SQL) and updated.
pub async fn merge_rollups(
    tx: &mut TenantTx,
    partials: Partials,
) -> Result<BTreeMap<RollupKey, Aggregate>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let mut merged = partials.0;
    let columns = Columns::of(&merged);
    let inserted = sqlx::query!(
        r#"INSERT INTO rollups (tenant_id, metric_id, resolution_s, series_id, bucket, count, sum, min, max, sketch)
           SELECT $1, * FROM unnest($2::uuid[], $3::int4[], $4::uuid[], $5::timestamptz[], $6::int8[],
                                    $7::float8[], $8::float8[], $9::float8[], $10::bytea[])
           ON CONFLICT (tenant_id, metric_id, resolution_s, series_id, bucket) DO NOTHING
           RETURNING metric_id, resolution_s, series_id, bucket"#,
        tenant,
        &columns.metric_ids,
        &columns.resolutions,
        &columns.series_ids,
        &columns.buckets,
        &columns.counts,
        &columns.sums,
        &columns.mins,
        &columns.maxes,
        &columns.sketches
    )
    .fetch_all(&mut **tx)
    .await?;
    let inserted: HashSet<RollupKey> = inserted
        .into_iter()
        .map(|row| RollupKey {
            metric_id: MetricId(row.metric_id),
            resolution: resolution_from(row.resolution_s),
            series: SeriesKey::from_uuid(row.series_id),
            bucket: row.bucket,
        })
        .collect();
    let existing: BTreeMap<RollupKey, Aggregate> = merged
        .iter()
        .filter(|(key, _)| !inserted.contains(key))
        .map(|(key, aggregate)| (*key, aggregate.clone()))
        .collect();
    if existing.is_empty() {
        return Ok(merged);
    }
    let keys = Columns::of(&existing);
    let stored = sqlx::query!(
        r#"SELECT r.metric_id, r.resolution_s, r.series_id, r.bucket, r.count, r.sum, r.min, r.max, r.sketch
           FROM rollups r
           JOIN unnest($2::uuid[], $3::int4[], $4::uuid[], $5::timestamptz[]) AS k (metric_id, resolution_s, series_id, bucket)
             ON r.metric_id = k.metric_id AND r.resolution_s = k.resolution_s
            AND r.series_id = k.series_id AND r.bucket = k.bucket
           WHERE r.tenant_id = $1
           ORDER BY r.metric_id, r.resolution_s, r.series_id, r.bucket
           FOR UPDATE OF r"#,
        tenant,
        &keys.metric_ids,
        &keys.resolutions,
        &keys.series_ids,
        &keys.buckets
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut updated = BTreeMap::new();
    for row in stored {
        let key = RollupKey {
            metric_id: MetricId(row.metric_id),
            resolution: resolution_from(row.resolution_s),
            series: SeriesKey::from_uuid(row.series_id),
            bucket: row.bucket,
        };
        let mut total = Aggregate {
            count: u64::try_from(row.count).unwrap_or(0),
            sum: row.sum,
            min: row.min,
            max: row.max,
            sketch: Sketch::decode(&row.sketch),
        };
        if let Some(partial) = merged.get(&key) {
            total.merge(partial);
        }
        merged.insert(key, total.clone());
        updated.insert(key, total);
    }
    let columns = Columns::of(&updated);
    sqlx::query!(
        "UPDATE rollups r SET count = u.count, sum = u.sum, min = u.min, max = u.max, sketch = u.sketch
         FROM unnest($2::uuid[], $3::int4[], $4::uuid[], $5::timestamptz[], $6::int8[],
                     $7::float8[], $8::float8[], $9::float8[], $10::bytea[])
              AS u (metric_id, resolution_s, series_id, bucket, count, sum, min, max, sketch)
         WHERE r.tenant_id = $1 AND r.metric_id = u.metric_id AND r.resolution_s = u.resolution_s
           AND r.series_id = u.series_id AND r.bucket = u.bucket",
        tenant,
        &columns.metric_ids,
        &columns.resolutions,
        &columns.series_ids,
        &columns.buckets,
        &columns.counts,
        &columns.sums,
        &columns.mins,
        &columns.maxes,
        &columns.sketches
    )
    .execute(&mut **tx)
    .await?;
    Ok(merged)
}

/// Rollup rows as parallel arrays for `unnest`.
struct Columns {
    metric_ids: Vec<Uuid>,
    resolutions: Vec<i32>,
    series_ids: Vec<Uuid>,
    buckets: Vec<DateTime<Utc>>,
    counts: Vec<i64>,
    sums: Vec<f64>,
    mins: Vec<f64>,
    maxes: Vec<f64>,
    sketches: Vec<Vec<u8>>,
}

impl Columns {
    fn of(rows: &BTreeMap<RollupKey, Aggregate>) -> Self {
        let mut columns = Self {
            metric_ids: Vec::with_capacity(rows.len()),
            resolutions: Vec::with_capacity(rows.len()),
            series_ids: Vec::with_capacity(rows.len()),
            buckets: Vec::with_capacity(rows.len()),
            counts: Vec::with_capacity(rows.len()),
            sums: Vec::with_capacity(rows.len()),
            mins: Vec::with_capacity(rows.len()),
            maxes: Vec::with_capacity(rows.len()),
            sketches: Vec::with_capacity(rows.len()),
        };
        for (key, aggregate) in rows {
            columns.metric_ids.push(key.metric_id.0);
            columns.resolutions.push(key.resolution.seconds() as i32);
            columns.series_ids.push(key.series.as_uuid());
            columns.buckets.push(key.bucket);
            columns.counts.push(i64::try_from(aggregate.count).unwrap_or(i64::MAX));
            columns.sums.push(aggregate.sum);
            columns.mins.push(aggregate.min);
            columns.maxes.push(aggregate.max);
            columns.sketches.push(aggregate.sketch.encode());
        }
        columns
    }
}

/// Points accepted today so far (UTC).
pub async fn select_points_on(tx: &mut TenantTx, day: NaiveDate) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    Ok(sqlx::query_scalar!(
        "SELECT points FROM usage_daily WHERE tenant_id = $1 AND day = $2",
        tenant,
        day
    )
    .fetch_optional(&mut **tx)
    .await?
    .unwrap_or(0))
}

/// Counts a batch against the day; returns the day's new total of accepted points. Called last in
/// the batch's transaction so the row lock is held only briefly.
pub async fn add_usage(tx: &mut TenantTx, day: NaiveDate, points: i64, rejected: i64) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        "INSERT INTO usage_daily (tenant_id, day, points, rejected) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, day) DO UPDATE
         SET points = usage_daily.points + EXCLUDED.points, rejected = usage_daily.rejected + EXCLUDED.rejected
         RETURNING points",
        tenant,
        day,
        points,
        rejected
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn select_metrics(tx: &mut TenantTx) -> Result<Vec<MetricSummary>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_as!(
        MetricSummary,
        r#"SELECT m.metric_id AS "metric_id: MetricId", m.name, m.unit, m.description, m.created_at,
                  (SELECT count(*) FROM series s WHERE s.tenant_id = m.tenant_id AND s.metric_id = m.metric_id) AS "series!"
           FROM metrics m WHERE m.tenant_id = $1 ORDER BY m.name"#,
        tenant
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn select_metric_by_name(tx: &mut TenantTx, name: &str) -> Result<Option<MetricSummary>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_as!(
        MetricSummary,
        r#"SELECT m.metric_id AS "metric_id: MetricId", m.name, m.unit, m.description, m.created_at,
                  (SELECT count(*) FROM series s WHERE s.tenant_id = m.tenant_id AND s.metric_id = m.metric_id) AS "series!"
           FROM metrics m WHERE m.tenant_id = $1 AND m.name = $2"#,
        tenant,
        name
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Only metric ids of this tenant survive (live subscriptions are checked with it).
pub async fn select_known_metric_ids(tx: &mut TenantTx, ids: &[MetricId]) -> Result<Vec<MetricId>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
    sqlx::query_scalar!(
        r#"SELECT metric_id AS "metric_id: MetricId" FROM metrics WHERE tenant_id = $1 AND metric_id = ANY($2)"#,
        tenant,
        &ids
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn update_metric(
    tx: &mut TenantTx,
    metric_id: MetricId,
    unit: &str,
    description: &str,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let done = sqlx::query!(
        "UPDATE metrics SET unit = $3, description = $4, updated_at = now() WHERE tenant_id = $1 AND metric_id = $2",
        tenant,
        metric_id.0,
        unit,
        description
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Series of a metric whose labels contain `filter` (a JSON object).
pub async fn select_matching_series(
    tx: &mut TenantTx,
    metric_id: MetricId,
    filter: &Value,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        "SELECT series_id FROM series WHERE tenant_id = $1 AND metric_id = $2 AND labels @> $3",
        tenant,
        metric_id.0,
        filter
    )
    .fetch_all(&mut **tx)
    .await
}

/// Rollup rows of the given series (the nil uuid = all series) at one resolution in `[from, to)`,
/// each series' row separately; the caller merges per bucket.
pub async fn select_rollups(
    tx: &mut TenantTx,
    metric_id: MetricId,
    resolution: Bucket,
    series_ids: &[Uuid],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, Aggregate)>, sqlx::Error> {
    let rows = select_rollups_by_series(tx, metric_id, resolution, series_ids, from, to).await?;
    Ok(rows
        .into_iter()
        .map(|(_, bucket, aggregate)| (bucket, aggregate))
        .collect())
}

/// Deletes rollups older than `before` (the plan's rollup retention), returning how many went.
pub async fn delete_rollups_before(tx: &mut TenantTx, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    Ok(sqlx::query!(
        "DELETE FROM rollups WHERE tenant_id = $1 AND bucket < $2",
        tenant,
        before
    )
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Drops every raw-point partition past its retention class; returns the names dropped.
pub async fn drop_expired_partitions(db: &crate::db::Db, now: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
    let mut conn = crate::db::unscoped_connection(db).await?;
    let dropped = sqlx::query_scalar!(r#"SELECT drop_expired_points_partitions($1) AS "name!""#, now)
        .fetch_all(&mut *conn)
        .await?;
    Ok(dropped)
}

/// Series of a metric whose labels contain `filter`, with their labels (alert rules evaluate
/// each one on its own).
pub async fn select_series_with_labels(
    tx: &mut TenantTx,
    metric_id: MetricId,
    filter: &Value,
) -> Result<Vec<(Uuid, Value)>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        "SELECT series_id, labels FROM series WHERE tenant_id = $1 AND metric_id = $2 AND labels @> $3",
        tenant,
        metric_id.0,
        filter
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|row| (row.series_id, row.labels)).collect())
}

/// Like `select_rollups`, with each row's series id (the nil uuid = all series).
pub async fn select_rollups_by_series(
    tx: &mut TenantTx,
    metric_id: MetricId,
    resolution: Bucket,
    series_ids: &[Uuid],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>, Aggregate)>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    let rows = sqlx::query!(
        "SELECT series_id, bucket, count, sum, min, max, sketch FROM rollups
         WHERE tenant_id = $1 AND metric_id = $2 AND resolution_s = $3 AND series_id = ANY($4)
           AND bucket >= $5 AND bucket < $6
         ORDER BY bucket",
        tenant,
        metric_id.0,
        resolution.seconds() as i32,
        series_ids,
        from,
        to
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.series_id,
                row.bucket,
                Aggregate {
                    count: u64::try_from(row.count).unwrap_or(0),
                    sum: row.sum,
                    min: row.min,
                    max: row.max,
                    sketch: Sketch::decode(&row.sketch),
                },
            )
        })
        .collect())
}

/// Key figures per visible tenant for the overview page: points accepted today, active API keys,
/// users, and points per hour over the last 24 hours (from the metrics' aggregate hour rollups).
/// A read model across the tenant's own tables; the caller's scope decides which tenants appear.
pub async fn select_tenant_figures(
    conn: &mut sqlx::PgConnection,
    day: chrono::NaiveDate,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<super::types::TenantFigures>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT t.tenant_id AS "tenant_id: TenantId", t.name,
                  COALESCE((SELECT u.points FROM usage_daily u WHERE u.tenant_id = t.tenant_id AND u.day = $1), 0) AS "points_today!",
                  (SELECT count(*) FROM api_keys k WHERE k.tenant_id = t.tenant_id AND k.revoked_at IS NULL
                      AND (k.expires_at IS NULL OR k.expires_at > now())) AS "active_keys!",
                  (SELECT count(*) FROM users s WHERE s.tenant_id = t.tenant_id) AS "users!",
                  (SELECT count(*) FROM metrics m WHERE m.tenant_id = t.tenant_id) AS "metrics!",
                  COALESCE((SELECT array_agg(per_hour.points ORDER BY per_hour.bucket)
                     FROM (SELECT r.bucket, sum(r.count)::bigint AS points FROM rollups r
                           WHERE r.tenant_id = t.tenant_id AND r.resolution_s = 3600
                             AND r.series_id = '00000000-0000-0000-0000-000000000000' AND r.bucket >= $2
                           GROUP BY r.bucket) per_hour), '{}') AS "hourly!: Vec<i64>",
                  COALESCE((SELECT array_agg(per_hour.bucket ORDER BY per_hour.bucket)
                     FROM (SELECT DISTINCT r.bucket FROM rollups r
                           WHERE r.tenant_id = t.tenant_id AND r.resolution_s = 3600
                             AND r.series_id = '00000000-0000-0000-0000-000000000000' AND r.bucket >= $2) per_hour), '{}')
                     AS "hours!: Vec<chrono::DateTime<chrono::Utc>>"
           FROM tenants t ORDER BY t.name"#,
        day,
        since
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            // Spread the hourly sums on a 24-slot grid so gaps show as zero, not as a shorter line.
            let mut hourly = vec![0i64; 24];
            for (hour, points) in row.hours.iter().zip(&row.hourly) {
                let slot = (*hour - since).num_hours();
                if let Some(cell) = usize::try_from(slot).ok().and_then(|s| hourly.get_mut(s)) {
                    *cell = *points;
                }
            }
            super::types::TenantFigures {
                tenant_id: row.tenant_id,
                name: row.name,
                points_today: row.points_today,
                active_keys: row.active_keys,
                users: row.users,
                metrics: row.metrics,
                hourly,
            }
        })
        .collect())
}

/// Metric names the tenant has declared (the plan's `metrics` limit).
pub async fn count_metrics(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM metrics WHERE tenant_id = $1"#,
        tenant
    )
    .fetch_one(&mut **tx)
    .await
}

/// Which of `names` the tenant has not declared yet.
pub async fn select_unknown_metric_names(tx: &mut TenantTx, names: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT wanted.name AS "name!" FROM unnest($2::text[]) AS wanted (name)
           WHERE NOT EXISTS (SELECT 1 FROM metrics m WHERE m.tenant_id = $1 AND m.name = wanted.name)"#,
        tenant,
        names
    )
    .fetch_all(&mut **tx)
    .await
}

/// Points the transaction's tenant has sent since `day` (its daily usage rows), statistics.
pub async fn select_points_since(tx: &mut TenantTx, day: NaiveDate) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT coalesce(sum(points), 0)::bigint AS "points!" FROM usage_daily WHERE tenant_id = $1 AND day >= $2"#,
        tenant,
        day
    )
    .fetch_one(&mut **tx)
    .await
}

/// Points every tenant sent since `day`, and on `today` (platform statistics).
pub async fn select_all_points_since(
    tx: &mut PlatformTx,
    day: NaiveDate,
    today: NaiveDate,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT coalesce(sum(points), 0)::bigint AS "since!",
                  coalesce(sum(points) FILTER (WHERE day = $2), 0)::bigint AS "today!"
           FROM usage_daily WHERE day >= $1"#,
        day,
        today
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.since, row.today))
}

/// Metrics of every tenant (platform statistics).
pub async fn count_all_metrics(tx: &mut PlatformTx) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM metrics"#)
        .fetch_one(&mut **tx)
        .await
}

/// The average size of a stored chunk of points, in bytes: every `point_chunks` partition's size
/// (indexes included) over its estimated rows, from the catalog; 0 until the table has been
/// analysed (autovacuum does it once rows arrive).
pub async fn select_chunk_bytes(conn: &mut sqlx::PgConnection) -> Result<f64, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT coalesce(sum(pg_total_relation_size(p.relid)) FILTER (WHERE p.isleaf), 0)::float8 AS "bytes!",
                  coalesce(sum(greatest(c.reltuples, 0)) FILTER (WHERE p.isleaf), 0)::float8 AS "rows!"
           FROM pg_partition_tree('point_chunks') p JOIN pg_class c ON c.oid = p.relid"#
    )
    .fetch_one(conn)
    .await?;
    Ok(if row.rows > 0.0 { row.bytes / row.rows } else { 0.0 })
}

/// The transaction's tenant's stored chunks of points (read from the chunks' index).
pub async fn count_point_chunks(tx: &mut TenantTx) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_id().0;
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM point_chunks WHERE tenant_id = $1"#,
        tenant
    )
    .fetch_one(&mut **tx)
    .await
}

/// The database's size in bytes (platform statistics).
pub async fn select_database_bytes(conn: &mut sqlx::PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT pg_database_size(current_database()) AS "bytes!""#)
        .fetch_one(conn)
        .await
}
