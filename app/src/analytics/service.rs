//! Ingestion and panel reads as operations: what the REST endpoint and the server functions
//! call. Ingestion: validate → declare metrics and series → insert point chunks → merge rollups
//! → count usage → NOTIFY, all in one tenant transaction, so an acknowledged batch is committed
//! whole.

use super::db;
use super::ingest::{ParsedBatch, RejectReason, Rejection, ValidPoint};
use super::rollup::{Aggregate, Partials, RollupKey, SeriesKey};
use super::types::{ANALYSED_STAT, AnomalyPoint, Bucket, ForecastPoint, MetricSummary, Panel, PanelPoint, TrendLine};
use crate::db::{Db, TenantTx};
use crate::ids::{MetricId, SeriesId, TenantId};
use crate::live::types::{LiveEvent, RollupValue};
use crate::plans::types::Limit;
use crate::tenants::types::Plan;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the client is told about an accepted batch.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IngestReport {
    pub accepted: usize,
    pub rejected: Vec<Rejection>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("daily point quota of {quota} reached")]
    QuotaExceeded { quota: u64, retry_after_s: u64 },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Seconds until the next UTC midnight, when the daily quota resets.
pub fn seconds_until_tomorrow(now: DateTime<Utc>) -> u64 {
    let tomorrow = now.date_naive().succ_opt().unwrap_or(now.date_naive());
    let reset = tomorrow.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
    u64::try_from((reset - now).num_seconds().max(1)).unwrap_or(1)
}

pub async fn ingest(
    db_pool: &Db,
    tenant_id: TenantId,
    plan: Plan,
    mut batch: ParsedBatch,
    now: DateTime<Utc>,
) -> Result<IngestReport, IngestError> {
    let today = now.date_naive();
    let retention = i16::try_from(plan.retention().raw_days).unwrap_or(i16::MAX);
    if batch.points.is_empty() {
        let mut tx = TenantTx::begin(db_pool, tenant_id).await?;
        db::add_usage(&mut tx, today, 0, batch.rejected.len() as i64).await?;
        tx.commit().await?;
        return Ok(IngestReport {
            accepted: 0,
            rejected: batch.rejected,
        });
    }
    let days: HashSet<NaiveDate> = batch.points.iter().map(|p| p.ts.date_naive()).collect();
    db::ensure_partitions(db_pool, retention, days.into_iter().collect()).await?;

    let mut tx = TenantTx::begin(db_pool, tenant_id).await?;
    let limits = IngestLimits::read(&mut tx).await?;
    let used = db::select_points_on(&mut tx, today).await?;
    let quota = limits.points_per_day;
    if u64::try_from(used).unwrap_or(0) + batch.points.len() as u64 > quota {
        return Err(IngestError::QuotaExceeded {
            quota,
            retry_after_s: seconds_until_tomorrow(now),
        });
    }

    let mut names: Vec<String> = batch.points.iter().map(|p| p.metric.as_str().to_owned()).collect();
    names.sort_unstable();
    names.dedup();
    let (refused, declared) = refuse_new_metrics(&mut tx, &mut names, limits.metrics).await?;
    if let Some((before, added)) = declared {
        crate::plans::service::notice_usage(
            &mut tx,
            Limit::Metrics,
            limits.plan,
            limits.metrics,
            before,
            before + added,
        )
        .await?;
    }
    if !refused.is_empty() {
        let message = format!(
            "the workspace may have {} metrics; this would be a new one",
            limits.metrics
        );
        let mut kept = Vec::with_capacity(batch.points.len());
        for point in std::mem::take(&mut batch.points) {
            if refused
                .binary_search_by(|name| name.as_str().cmp(point.metric.as_str()))
                .is_ok()
            {
                batch.rejected.push(Rejection {
                    index: point.index,
                    reason: RejectReason::MetricLimitReached,
                    message: message.clone(),
                });
            } else {
                kept.push(point);
            }
        }
        batch.points = kept;
    }
    let metric_ids = db::upsert_metrics(&mut tx, &names).await?;

    // Each distinct (metric, labels) once: a batch has thousands of points but few series, and a
    // series key is JSON that is costly to build, compare and hash.
    let mut distinct: HashMap<(&str, &BTreeMap<String, String>), usize> = HashMap::new();
    let mut keys: Vec<(MetricId, Value)> = Vec::new();
    let mut key_of_point = Vec::with_capacity(batch.points.len());
    for point in &batch.points {
        let next = keys.len();
        let slot = *distinct.entry((point.metric.as_str(), &point.labels)).or_insert(next);
        if slot == next {
            let metric_id = *metric_ids.get(point.metric.as_str()).ok_or(sqlx::Error::RowNotFound)?;
            keys.push((metric_id, labels_json(point)));
        }
        key_of_point.push(slot);
    }
    let series_ids = resolve_series(&mut tx, &keys, limits.series).await?;
    let resolved: Vec<Option<SeriesId>> = keys.iter().map(|key| series_ids.get(key).copied()).collect();
    let mut rows = Vec::with_capacity(batch.points.len());
    let mut partials = Partials::default();
    for (point, slot) in batch.points.iter().zip(key_of_point) {
        match resolved[slot] {
            Some(series_id) => {
                rows.push((series_id, point.ts, point.value));
                partials.add(keys[slot].0, series_id, point.ts, point.value);
            }
            None => batch.rejected.push(Rejection {
                index: point.index,
                reason: RejectReason::SeriesLimitReached,
                message: format!(
                    "the workspace may have {} series; this label set would be a new one",
                    limits.series
                ),
            }),
        }
    }
    db::insert_point_chunks(&mut tx, retention, &rows).await?;
    let merged = db::merge_rollups(&mut tx, partials).await?;

    let total = db::add_usage(&mut tx, today, rows.len() as i64, batch.rejected.len() as i64).await?;
    if u64::try_from(total).unwrap_or(u64::MAX) > quota {
        // Another batch got there first; nothing of this one is kept.
        return Err(IngestError::QuotaExceeded {
            quota,
            retry_after_s: seconds_until_tomorrow(now),
        });
    }
    let before = u64::try_from(used).unwrap_or(0);
    let after = u64::try_from(total).unwrap_or(0);
    crate::plans::service::notice_usage(&mut tx, Limit::PointsPerDay, limits.plan, quota, before, after).await?;
    publish(&mut tx, tenant_id, &merged).await?;
    tx.commit().await?;
    batch.rejected.sort_by_key(|r| r.index);
    Ok(IngestReport {
        accepted: rows.len(),
        rejected: batch.rejected,
    })
}

/// The tenant's limits ingestion enforces: its plan's, or its own values.
struct IngestLimits {
    plan: crate::tenants::types::Plan,
    points_per_day: u64,
    metrics: u64,
    series: u64,
}

impl IngestLimits {
    async fn read(tx: &mut TenantTx) -> Result<Self, sqlx::Error> {
        let (plan, grants) = crate::plans::db::select_limit_grants(tx)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        let value = |limit: Limit| grants.iter().find(|g| g.limit == limit).map_or(0, |g| g.value());
        Ok(Self {
            plan,
            points_per_day: value(Limit::PointsPerDay),
            metrics: value(Limit::Metrics),
            series: value(Limit::Series),
        })
    }
}

/// Takes out of `names` (sorted) the metrics that would be new beyond the tenant's limit and
/// returns them, sorted, with the metrics there were and how many this batch declares (`None`
/// when it brings no new name). Known names always pass; new ones are declared in name order
/// while there is room. The limit's lock is taken only when a batch brings new names, so steady
/// ingestion of known metrics never waits on it.
async fn refuse_new_metrics(
    tx: &mut TenantTx,
    names: &mut Vec<String>,
    max: u64,
) -> Result<(Vec<String>, Option<(u64, u64)>), sqlx::Error> {
    let unknown = db::select_unknown_metric_names(tx, names).await?;
    if unknown.is_empty() {
        return Ok((Vec::new(), None));
    }
    crate::plans::db::lock_limit(tx, Limit::Metrics).await?;
    let count = u64::try_from(db::count_metrics(tx).await?).unwrap_or(0);
    let room = usize::try_from(max.saturating_sub(count)).unwrap_or(usize::MAX);
    let mut unknown = unknown;
    unknown.sort_unstable();
    let declared = unknown.len().min(room) as u64;
    let refused: Vec<String> = unknown.into_iter().skip(room).collect();
    names.retain(|name| refused.binary_search(name).is_err());
    Ok((refused, Some((count, declared))))
}

fn labels_json(point: &ValidPoint) -> Value {
    Value::Object(
        point
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// Finds or declares the series of `keys`. New series beyond the plan's limit are not created,
/// so they are missing from the answer (the caller refuses their points).
async fn resolve_series(
    tx: &mut TenantTx,
    keys: &[(MetricId, Value)],
    max_series: u64,
) -> Result<HashMap<(MetricId, Value), SeriesId>, sqlx::Error> {
    let mut wanted: Vec<(MetricId, Value)> = keys.to_vec();
    wanted.sort_by_cached_key(|(metric, labels)| (*metric, labels.to_string()));
    wanted.dedup();
    let mut known = db::select_series_ids(tx, &wanted).await?;
    let missing: Vec<(MetricId, Value)> = wanted.into_iter().filter(|pair| !known.contains_key(pair)).collect();
    if missing.is_empty() {
        return Ok(known);
    }
    let count = u64::try_from(db::count_series(tx).await?).unwrap_or(0);
    let room = usize::try_from(max_series.saturating_sub(count)).unwrap_or(usize::MAX);
    let allowed: Vec<(MetricId, Value)> = missing.into_iter().take(room).collect();
    if !allowed.is_empty() {
        db::insert_series(tx, &allowed).await?;
        known.extend(db::select_series_ids(tx, &allowed).await?);
    }
    Ok(known)
}

/// The live event for one metric's aggregate minute rows (all series).
pub fn rollup_value(bucket: DateTime<Utc>, aggregate: &Aggregate) -> RollupValue {
    RollupValue {
        bucket,
        count: aggregate.count,
        sum: aggregate.sum,
        min: aggregate.min,
        max: aggregate.max,
        p50: aggregate.quantile(0.5),
        p95: aggregate.quantile(0.95),
        p99: aggregate.quantile(0.99),
    }
}

/// One event per touched metric, delivered to every replica on commit.
async fn publish(
    tx: &mut TenantTx,
    tenant_id: TenantId,
    merged: &BTreeMap<RollupKey, Aggregate>,
) -> Result<(), sqlx::Error> {
    let mut per_metric: BTreeMap<MetricId, Vec<RollupValue>> = BTreeMap::new();
    for (key, aggregate) in merged {
        if key.resolution == Bucket::Minute && key.series == SeriesKey::All {
            per_metric
                .entry(key.metric_id)
                .or_default()
                .push(rollup_value(key.bucket, aggregate));
        }
    }
    for (metric_id, buckets) in per_metric {
        let since = buckets.first().map(|b| b.bucket);
        let event = LiveEvent::Rollups {
            seq: 0,
            tenant_id,
            metric_id,
            buckets,
        };
        if !crate::live::db::notify(tx, event).await?
            && let Some(since) = since
        {
            crate::live::db::notify(
                tx,
                LiveEvent::Stale {
                    seq: 0,
                    tenant_id,
                    metric_id,
                    since,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// How a panel is asked for once parsed.
#[derive(Debug, Clone)]
pub struct PanelRequest {
    pub metric: MetricSummary,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bucket: Bucket,
    pub labels: Vec<(String, String)>,
}

/// Reads the rollups behind a panel, merges them per bucket and annotates the result.
pub async fn panel(tx: &mut TenantTx, request: PanelRequest) -> Result<Panel, sqlx::Error> {
    let PanelRequest {
        metric,
        from,
        to,
        bucket,
        labels,
    } = request;
    let series: Vec<uuid::Uuid> = if labels.is_empty() {
        vec![SeriesKey::All.as_uuid()]
    } else {
        let filter = Value::Object(
            labels
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        );
        db::select_matching_series(tx, metric.metric_id, &filter).await?
    };
    let resolution = if bucket == Bucket::Minute {
        Bucket::Minute
    } else {
        Bucket::Hour
    };
    let start = bucket.floor(from);
    let rows = if series.is_empty() {
        Vec::new()
    } else {
        db::select_rollups(tx, metric.metric_id, resolution, &series, start, to).await?
    };
    let mut buckets: BTreeMap<DateTime<Utc>, Aggregate> = BTreeMap::new();
    for (at, aggregate) in rows {
        buckets.entry(bucket.floor(at)).or_default().merge(&aggregate);
    }
    let points: Vec<PanelPoint> = buckets
        .into_iter()
        .map(|(t, a)| PanelPoint {
            t,
            count: a.count,
            sum: a.sum,
            min: a.min,
            max: a.max,
            p50: a.quantile(0.5),
            p95: a.quantile(0.95),
            p99: a.quantile(0.99),
        })
        .collect();
    let mut panel = Panel {
        tenant_id: tx.tenant_id(),
        metric,
        from: start,
        to,
        bucket,
        points,
        trend: None,
        forecast: Vec::new(),
        forecast_method: None,
        anomalies: Vec::new(),
    };
    annotate(&mut panel);
    Ok(panel)
}

/// Every bucket of the window on a regular grid (gaps as None), so the analysis sees time as it
/// is rather than as the sequence of non-empty buckets.
fn samples(panel: &Panel) -> Vec<series_analysis::Sample> {
    let step = panel.bucket.seconds();
    let by_time: HashMap<i64, &PanelPoint> = panel.points.iter().map(|p| (p.t.timestamp(), p)).collect();
    let first = panel.bucket.floor(panel.from).timestamp();
    let last = panel.points.last().map_or(first, |p| p.t.timestamp());
    (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= last)
        .map(|t| {
            (
                t as f64,
                by_time.get(&t).and_then(|p| ANALYSED_STAT.of(p, panel.bucket)),
            )
        })
        .collect()
}

fn at(seconds: f64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds as i64, 0).unwrap_or_default()
}

/// Trend over the visible points, a forecast of the next period (as many buckets as are visible,
/// up to 120) and anomalies beyond 3σ of the trailing 30 buckets.
fn annotate(panel: &mut Panel) {
    let samples = samples(panel);
    let step = panel.bucket.seconds() as f64;
    if let (Some(trend), Some(first), Some(last)) = (
        series_analysis::trend(&samples),
        samples.iter().find(|s| s.1.is_some()),
        samples.iter().rev().find(|s| s.1.is_some()),
    ) {
        panel.trend = Some(TrendLine {
            start: (at(first.0), trend.at(first.0)),
            end: (at(last.0), trend.at(last.0)),
            slope_per_hour: trend.slope_per_second * 3_600.0,
        });
    }
    let horizon = samples.len().clamp(1, 120);
    if let Some(forecast) = series_analysis::forecast(&samples, step, horizon) {
        panel.forecast_method = Some(match forecast.method {
            series_analysis::Method::HoltLinear => "holt".to_owned(),
            series_analysis::Method::HoltWinters { season_length } => format!("holt-winters:{season_length}"),
        });
        panel.forecast = forecast
            .points
            .into_iter()
            .map(|p| ForecastPoint {
                t: at(p.t),
                value: p.value,
                lower: p.lower,
                upper: p.upper,
            })
            .collect();
    }
    panel.anomalies = series_analysis::anomalies(
        &samples,
        series_analysis::DEFAULT_WINDOW,
        series_analysis::DEFAULT_SIGMA,
    )
    .into_iter()
    .map(|a| AnomalyPoint {
        t: at(a.t),
        value: a.value,
        expected: a.expected,
        score: a.score,
    })
    .collect();
}

/// The window a panel covers must fit in `Bucket::MAX_POINTS` buckets.
pub fn check_bucket(from: DateTime<Utc>, to: DateTime<Utc>, bucket: Bucket) -> Result<(), String> {
    let buckets = (to - from).num_seconds() / bucket.seconds();
    if buckets > Bucket::MAX_POINTS {
        Err(crate::i18n::t_args(
            "valid-bucket-too-fine",
            &[("max", &Bucket::MAX_POINTS.to_string())],
        ))
    } else {
        Ok(())
    }
}

/// What one maintenance pass did.
#[derive(Debug, Default)]
pub struct Maintenance {
    pub partitions_dropped: Vec<String>,
    pub rollups_deleted: u64,
}

/// Storage upkeep, idempotent and safe on every replica at once: creates today's and tomorrow's
/// raw-point partitions for every plan's retention class (so ingestion rarely creates one), drops
/// partitions past their retention, and deletes rollups past each tenant's plan retention.
pub async fn maintain(db_pool: &Db, now: DateTime<Utc>) -> Result<Maintenance, sqlx::Error> {
    use crate::tenants::types::Plan;
    let days = vec![now.date_naive(), (now + chrono::Duration::days(1)).date_naive()];
    let mut classes: Vec<u16> = Plan::ALL.iter().map(|p| p.retention().raw_days).collect();
    classes.sort_unstable();
    classes.dedup();
    for class in classes {
        db::ensure_partitions(db_pool, i16::try_from(class).unwrap_or(i16::MAX), days.clone()).await?;
    }
    let mut report = Maintenance {
        partitions_dropped: db::drop_expired_partitions(db_pool, now).await?,
        rollups_deleted: 0,
    };
    let tenants = {
        let mut tx = crate::db::PlatformTx::begin(db_pool, crate::db::PlatformGuard::for_system_task()).await?;
        let tenants = crate::tenants::db::select_tenant_plans(&mut tx).await?;
        tx.commit().await?;
        tenants
    };
    for (tenant_id, plan) in tenants {
        let before = now - chrono::Duration::days(i64::from(plan.retention().rollup_days));
        let mut tx = TenantTx::begin(db_pool, tenant_id).await?;
        report.rollups_deleted += db::delete_rollups_before(&mut tx, before).await?;
        tx.commit().await?;
    }
    Ok(report)
}
