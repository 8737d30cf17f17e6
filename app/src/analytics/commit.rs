//! Committing accepted batches: declare metrics and series → insert point chunks → merge
//! rollups → count usage → NOTIFY, all in one tenant transaction, so an acknowledged batch is
//! committed whole. Several batches of one tenant can share the transaction (`lanes` groups
//! concurrent ones): each is judged as if it came alone, one after the other.

use super::db;
use super::ingest::{ParsedBatch, RejectReason, Rejection, ValidPoint};
use super::rollup::{Aggregate, Partials, RollupKey, SeriesKey};
use super::types::Bucket;
use crate::db::{Db, TenantTx};
use crate::ids::{MetricId, SeriesId, TenantId};
use crate::live::types::{LiveEvent, RollupValue};
use crate::plans::types::Limit;
use crate::tenants::types::Plan;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

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
    /// The task writing the batch's group stopped before answering (it panicked); nothing of the
    /// batch was committed by it.
    #[error("the batch's writer stopped before answering")]
    Interrupted,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Seconds until the next UTC midnight, when the daily quota resets.
pub fn seconds_until_tomorrow(now: DateTime<Utc>) -> u64 {
    let tomorrow = now.date_naive().succ_opt().unwrap_or(now.date_naive());
    let reset = tomorrow.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
    u64::try_from((reset - now).num_seconds().max(1)).unwrap_or(1)
}

/// One batch's answer.
pub type Outcome = Result<IngestReport, IngestError>;

/// Commits one batch in a transaction of its own.
pub async fn ingest(db_pool: &Db, tenant_id: TenantId, plan: Plan, batch: ParsedBatch, now: DateTime<Utc>) -> Outcome {
    ingest_batches(db_pool, tenant_id, plan, std::slice::from_ref(&batch), now)
        .await?
        .into_iter()
        .next()
        .unwrap_or(Err(IngestError::Interrupted))
}

/// Commits `batches` of one tenant in one transaction and answers each, in order. Each is judged
/// as if it came alone after the ones before it: one that would pass the daily quota is refused
/// whole while the others are kept; new metrics and series are declared while the plan has room
/// and the points of the rest are refused one by one. `Err` means nothing was committed.
pub async fn ingest_batches(
    db_pool: &Db,
    tenant_id: TenantId,
    plan: Plan,
    batches: &[ParsedBatch],
    now: DateTime<Utc>,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let today = now.date_naive();
    let retention = i16::try_from(plan.retention().raw_days).unwrap_or(i16::MAX);
    let days: HashSet<NaiveDate> = batches
        .iter()
        .flat_map(|batch| &batch.points)
        .map(|p| p.ts.date_naive())
        .collect();
    if !days.is_empty() {
        db::ensure_partitions(db_pool, retention, days.into_iter().collect()).await?;
    }

    let mut tx = TenantTx::begin(db_pool, tenant_id).await?;
    let limits = IngestLimits::read(&mut tx).await?;
    let used = u64::try_from(db::select_points_on(&mut tx, today).await?).unwrap_or(0);
    let quota = limits.points_per_day;
    let over_quota = || IngestError::QuotaExceeded {
        quota,
        retry_after_s: seconds_until_tomorrow(now),
    };
    let mut admitted = Vec::with_capacity(batches.len());
    let mut running = used;
    for batch in batches {
        let points = batch.points.len() as u64;
        let fits = points == 0 || running + points <= quota;
        if fits {
            running += points;
        }
        admitted.push(fits);
    }
    let kept = || batches.iter().enumerate().filter(|(b, _)| admitted[*b]);
    if kept().next().is_none() {
        return Ok(batches.iter().map(|_| Err(over_quota())).collect());
    }

    let mut names: Vec<&str> = kept()
        .flat_map(|(_, batch)| &batch.points)
        .map(|p| p.metric.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut names: Vec<String> = names.into_iter().map(str::to_owned).collect();
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
    let metric_ids = db::upsert_metrics(&mut tx, &names).await?;

    let mut rejected: Vec<Vec<Rejection>> = batches.iter().map(|batch| batch.rejected.clone()).collect();
    let metric_limit = format!(
        "the workspace may have {} metrics; this would be a new one",
        limits.metrics
    );
    // Each distinct (metric, label set) once: a batch has thousands of points but few series, and
    // a series key is JSON that is costly to build, compare and hash. The parser shares one label
    // set among the points that sent the same text, so the set is told apart by its address (two
    // texts of one set give two slots of one series, which `resolve_series` folds).
    let mut distinct: HashMap<(&str, usize), usize> = HashMap::new();
    let mut keys: Vec<(MetricId, Value)> = Vec::new();
    let mut slotted: Vec<(usize, &ValidPoint, usize)> = Vec::new();
    for (b, batch) in kept() {
        for point in &batch.points {
            let metric = point.metric.as_str();
            if refused.binary_search_by(|name| name.as_str().cmp(metric)).is_ok() {
                rejected[b].push(Rejection {
                    index: point.index,
                    reason: RejectReason::MetricLimitReached,
                    message: metric_limit.clone(),
                });
                continue;
            }
            let next = keys.len();
            let slot = *distinct
                .entry((metric, Arc::as_ptr(&point.labels).addr()))
                .or_insert(next);
            if slot == next {
                let metric_id = *metric_ids.get(metric).ok_or(sqlx::Error::RowNotFound)?;
                keys.push((metric_id, labels_json(point)));
            }
            slotted.push((b, point, slot));
        }
    }
    let series_ids = resolve_series(&mut tx, &keys, limits.series).await?;
    let resolved: Vec<Option<(MetricId, SeriesId)>> = keys
        .iter()
        .map(|key| series_ids.get(key).map(|series| (key.0, *series)))
        .collect();
    let mut accepted = vec![0usize; batches.len()];
    let mut rows = Vec::with_capacity(slotted.len());
    let mut metric_of = HashMap::new();
    for (b, point, slot) in slotted {
        match resolved[slot] {
            Some((metric_id, series_id)) => {
                rows.push((series_id, point.ts, point.value));
                metric_of.insert(series_id, metric_id);
                accepted[b] += 1;
            }
            None => rejected[b].push(Rejection {
                index: point.index,
                reason: RejectReason::SeriesLimitReached,
                message: format!(
                    "the workspace may have {} series; this label set would be a new one",
                    limits.series
                ),
            }),
        }
    }
    // Per series in time order (stable: equal timestamps keep the order they were sent in), for
    // both the stored chunks and the rollups.
    rows.sort_by_key(|&(series, ts, _)| (series, ts));
    let partials = Partials::of_sorted(&rows, |series| metric_of.get(&series).copied());
    db::insert_point_chunks(&mut tx, retention, &rows).await?;
    let merged = db::merge_rollups(&mut tx, partials).await?;

    let refusals: usize = kept().map(|(b, _)| rejected[b].len()).sum();
    let total = db::add_usage(&mut tx, today, rows.len() as i64, refusals as i64).await?;
    let after = u64::try_from(total).unwrap_or(u64::MAX);
    if after > quota {
        // Batches of another writer got there first; nothing of these is kept.
        return Ok(batches.iter().map(|_| Err(over_quota())).collect());
    }
    crate::plans::service::notice_usage(&mut tx, Limit::PointsPerDay, limits.plan, quota, used, after).await?;
    publish(&mut tx, tenant_id, &merged).await?;
    tx.commit().await?;
    Ok(rejected
        .into_iter()
        .zip(accepted)
        .zip(admitted)
        .map(|((mut rejected, accepted), admitted)| {
            if !admitted {
                return Err(over_quota());
            }
            rejected.sort_by_key(|r| r.index);
            Ok(IngestReport { accepted, rejected })
        })
        .collect())
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
