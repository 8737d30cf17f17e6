//! Panel reads and storage upkeep as operations: what the REST endpoint, the server functions
//! and the maintenance job call. Writing points is `commit` (and `lanes`).

use super::db;
use super::rollup::{Aggregate, SeriesKey};
use super::types::{ANALYSED_STAT, AnomalyPoint, Bucket, ForecastPoint, MetricSummary, Panel, PanelPoint, TrendLine};
use crate::db::{Db, TenantTx};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

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
