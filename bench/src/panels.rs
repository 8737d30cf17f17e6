//! Panel queries: five cases over the ingested dataset, each timed end to end as the browser
//! would wait for it (`GET /api/v1/metrics/{metric}/panel`, JSON fully received), interleaved run
//! by run with the peer's plain SQL for the same window so that machine noise hits both alike.
//! Each side's total point count is compared, and Atrium's p50/p95/p99 are checked against exact
//! quantiles of the same points: a fast panel that drops points or skews percentiles is no win.

use crate::dataset::{self, Dataset, METRIC, PROBE_SERIES};
use crate::http::Client;
use crate::peer::{self, BucketStats};
use crate::stats::Summary;
use anyhow::Result;
use hyper::StatusCode;
use serde_json::{Value, json};
use sqlx::PgConnection;
use std::time::{Duration, Instant};

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Bucket width, as the panel's `bucket` parameter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Minute,
    Hour,
    Day,
}

impl Bucket {
    pub fn param(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }

    /// The PostgreSQL interval for `date_bin`.
    pub fn interval(self) -> &'static str {
        match self {
            Self::Minute => "1 minute",
            Self::Hour => "1 hour",
            Self::Day => "1 day",
        }
    }

    fn ms(self) -> i64 {
        match self {
            Self::Minute => MINUTE_MS,
            Self::Hour => HOUR_MS,
            Self::Day => DAY_MS,
        }
    }
}

/// Which series a panel covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One series (`host=h-007`).
    Series(u32),
    /// Every series of the metric (no label filter).
    Fleet,
    /// The series with this `region` label (half the fleet).
    Region(&'static str),
}

/// One timed panel.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: &'static str,
    pub title: &'static str,
    pub bucket: Bucket,
    pub scope: Scope,
    pub from_ms: i64,
    pub to_ms: i64,
}

impl Case {
    /// The panel request path.
    pub fn path(&self) -> String {
        let mut path = format!(
            "/api/v1/metrics/{METRIC}/panel?range=custom&from={}&to={}&bucket={}",
            dataset::rfc3339(self.from_ms),
            dataset::rfc3339(self.to_ms),
            self.bucket.param()
        );
        match self.scope {
            Scope::Series(s) => path.push_str(&format!("&labels=host%3D{}", dataset::host(s))),
            Scope::Region(region) => path.push_str(&format!("&labels=region%3D{region}")),
            Scope::Fleet => {}
        }
        path
    }
}

/// The start of the bucket containing `ms`.
fn floor(ms: i64, width: i64) -> i64 {
    ms.div_euclid(width) * width
}

/// The five cases, with windows ending at the bucket that holds the dataset's last point.
pub fn cases(ds: &Dataset) -> Vec<Case> {
    let last = ds.last_ms();
    let end = |bucket: Bucket| floor(last, bucket.ms()) + bucket.ms();
    let (minute_end, hour_end, day_end) = (end(Bucket::Minute), end(Bucket::Hour), end(Bucket::Day));
    let day_start = floor(ds.start_ms, DAY_MS);
    let case = |id, title, bucket: Bucket, scope, from_ms, to_ms| Case {
        id,
        title,
        bucket,
        scope,
        from_ms,
        to_ms,
    };
    vec![
        case(
            "a",
            "one series, 1 h, minute buckets",
            Bucket::Minute,
            Scope::Series(PROBE_SERIES),
            minute_end - HOUR_MS,
            minute_end,
        ),
        case(
            "b",
            "one series, 24 h, hour buckets",
            Bucket::Hour,
            Scope::Series(PROBE_SERIES),
            hour_end - 24 * HOUR_MS,
            hour_end,
        ),
        case(
            "c",
            "fleet-wide, 24 h, hour buckets",
            Bucket::Hour,
            Scope::Fleet,
            hour_end - 24 * HOUR_MS,
            hour_end,
        ),
        case(
            "d",
            "fleet-wide, whole range, day buckets",
            Bucket::Day,
            Scope::Fleet,
            day_start,
            day_end,
        ),
        case(
            "e",
            "half the fleet (region=eu), 24 h, hour buckets",
            Bucket::Hour,
            Scope::Region("eu"),
            hour_end - 24 * HOUR_MS,
            hour_end,
        ),
    ]
}

/// One case's measurements.
#[derive(Debug)]
pub struct Outcome {
    pub case: Case,
    pub atrium: Option<Summary>,
    pub peer: Option<Summary>,
    pub atrium_points: Option<u64>,
    pub atrium_buckets: Option<usize>,
    pub atrium_bytes: Option<usize>,
    pub peer_points: Option<u64>,
    /// Atrium's percentiles against exact ones over the same points (DDSketch's rank definition).
    pub accuracy: Option<Accuracy>,
    pub error: Option<String>,
}

impl Outcome {
    /// Atrium's median over the peer's: above 1, Atrium is slower.
    pub fn ratio(&self) -> Option<f64> {
        Some(self.atrium?.p50 / self.peer?.p50)
    }

    pub fn counts_match(&self) -> Option<bool> {
        Some(self.atrium_points? == self.peer_points?)
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.case.id,
            "title": self.case.title,
            "bucket": self.case.bucket.param(),
            "from": dataset::rfc3339(self.case.from_ms),
            "to": dataset::rfc3339(self.case.to_ms),
            "atrium_path": self.case.path(),
            "peer_sql": peer::query_sql(&self.case),
            "atrium": self.atrium.map(Summary::to_json),
            "peer": self.peer.map(Summary::to_json),
            "ratio_atrium_over_peer_p50": self.ratio().map(crate::report::significant),
            "atrium_points_counted": self.atrium_points,
            "atrium_buckets": self.atrium_buckets,
            "atrium_response_bytes": self.atrium_bytes,
            "peer_points_counted": self.peer_points,
            "counts_match": self.counts_match(),
            "percentiles": self.accuracy.map(|a| json!({
                "buckets_compared": a.buckets_compared,
                "buckets_differing": a.buckets_differing,
                "max_relative_error_p50": a.max_relative_error[0],
                "max_relative_error_p95": a.max_relative_error[1],
                "max_relative_error_p99": a.max_relative_error[2],
            })),
            "error": self.error,
        })
    }
}

/// The buckets of one panel response (`points[]` with `t`, `count`, `p50`, `p95`, `p99`).
fn read_panel(body: &[u8]) -> Option<Vec<BucketStats>> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let points = value.get("points")?.as_array()?;
    let number = |p: &Value, key: &str| p.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN);
    points
        .iter()
        .map(|p| {
            let t = p.get("t")?.as_str()?;
            Some(BucketStats {
                t_ms: chrono::DateTime::parse_from_rfc3339(t).ok()?.timestamp_millis(),
                count: p.get("count").and_then(Value::as_u64).unwrap_or(0),
                quantiles: [number(p, "p50"), number(p, "p95"), number(p, "p99")],
            })
        })
        .collect()
}

/// One Atrium panel request; an error for anything but 200 with a readable panel.
async fn atrium_once(client: &mut Client, path: &str) -> Result<(Duration, Vec<BucketStats>, usize)> {
    let started = Instant::now();
    let response = client.get(path).await?;
    let elapsed = started.elapsed();
    if response.status != StatusCode::OK {
        anyhow::bail!("{}: {}", response.status, response.snippet(300));
    }
    let buckets =
        read_panel(&response.body).ok_or_else(|| anyhow::anyhow!("unreadable panel: {}", response.snippet(300)))?;
    Ok((elapsed, buckets, response.body.len()))
}

/// How far Atrium's sketch percentiles are from the exact ones, over the buckets both have.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    /// Buckets present on both sides with equal counts.
    pub buckets_compared: usize,
    /// Buckets whose counts differ, or present on one side only.
    pub buckets_differing: usize,
    /// Largest |atrium − exact| / |exact| for p50, p95, p99.
    pub max_relative_error: [f64; 3],
}

fn accuracy(atrium: &[BucketStats], exact: &[BucketStats]) -> Accuracy {
    let mut result = Accuracy {
        buckets_compared: 0,
        buckets_differing: 0,
        max_relative_error: [0.0; 3],
    };
    for bucket in exact {
        match atrium.iter().find(|a| a.t_ms == bucket.t_ms) {
            Some(a) if a.count == bucket.count => {
                result.buckets_compared += 1;
                for i in 0..3 {
                    let exact = bucket.quantiles[i];
                    let error = (a.quantiles[i] - exact).abs() / exact.abs().max(1e-12);
                    result.max_relative_error[i] = result.max_relative_error[i].max(error);
                }
            }
            _ => result.buckets_differing += 1,
        }
    }
    result.buckets_differing += atrium
        .iter()
        .filter(|a| !exact.iter().any(|e| e.t_ms == a.t_ms))
        .count();
    result
}

/// Runs every case: one untimed warm-up on each side, then `runs` timed rounds, Atrium then the
/// peer in each. A side that is `None` is skipped.
pub async fn run(
    cases: Vec<Case>,
    mut client: Option<&mut Client>,
    mut peer: Option<&mut PgConnection>,
    runs: usize,
) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        let path = case.path();
        let sql = peer::query_sql(&case);
        let mut outcome = Outcome {
            case,
            atrium: None,
            peer: None,
            atrium_points: None,
            atrium_buckets: None,
            atrium_bytes: None,
            peer_points: None,
            accuracy: None,
            error: None,
        };
        let mut atrium_last = Vec::new();
        let (mut atrium_times, mut peer_times) = (Vec::new(), Vec::new());
        let mut atrium_ok = true;
        for round in 0..=runs {
            if let Some(client) = client.as_deref_mut()
                && atrium_ok
            {
                match atrium_once(client, &path).await {
                    Ok((elapsed, buckets, bytes)) => {
                        if round > 0 {
                            atrium_times.push(elapsed);
                        }
                        outcome.atrium_points = Some(buckets.iter().map(|b| b.count).sum());
                        outcome.atrium_buckets = Some(buckets.len());
                        outcome.atrium_bytes = Some(bytes);
                        atrium_last = buckets;
                    }
                    Err(err) => {
                        // The peer still runs: its figures stand on their own.
                        eprintln!("bench: panel ({}) failed: {err:#}", outcome.case.id);
                        outcome.error = Some(format!("{err:#}"));
                        atrium_ok = false;
                    }
                }
            }
            if let Some(conn) = peer.as_deref_mut() {
                match peer::query(conn, &sql).await {
                    Ok((elapsed, buckets)) => {
                        if round > 0 {
                            peer_times.push(elapsed);
                        }
                        outcome.peer_points = Some(buckets.iter().map(|b| b.count).sum());
                    }
                    Err(err) => {
                        eprintln!("bench: peer query ({}) failed: {err:#}", outcome.case.id);
                        outcome.error = Some(format!("peer: {err:#}"));
                        break;
                    }
                }
            }
        }
        if outcome.atrium_points.is_some()
            && let Some(conn) = peer.as_deref_mut()
        {
            match peer::query(conn, &peer::exact_quantiles_sql(&outcome.case)).await {
                Ok((_, exact)) => outcome.accuracy = Some(accuracy(&atrium_last, &exact)),
                Err(err) => eprintln!("bench: exact quantiles ({}) failed: {err:#}", outcome.case.id),
            }
        }
        outcome.atrium = Summary::of(&atrium_times);
        outcome.peer = Summary::of(&peer_times);
        let show = |s: Option<Summary>| s.map_or_else(|| "-".to_owned(), |s| format!("{:.1} ms", s.p50));
        eprintln!(
            "bench: panel ({}) {}: atrium {} / peer {} (median of {runs})",
            outcome.case.id,
            outcome.case.title,
            show(outcome.atrium),
            show(outcome.peer)
        );
        outcomes.push(outcome);
    }
    outcomes
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_end_of_the_data() {
        let ds = Dataset::anchored(10_000_000, 100, 1_795_000_000_000);
        let cases = cases(&ds);
        assert_eq!(cases.len(), 5);
        let last = ds.last_ms();
        for case in &cases {
            assert!(case.from_ms <= last && last < case.to_ms, "{}", case.id);
            assert_eq!(case.from_ms % case.bucket.ms(), 0);
            assert_eq!(case.to_ms % case.bucket.ms(), 0);
        }
        assert_eq!(cases[0].to_ms - cases[0].from_ms, HOUR_MS);
        assert!(cases[3].from_ms <= ds.start_ms);
    }

    #[test]
    fn paths_carry_the_label_filter() {
        let ds = Dataset::anchored(1_000, 100, 1_795_000_000_000);
        let cases = cases(&ds);
        assert!(cases[0].path().ends_with("&bucket=minute&labels=host%3Dh-007"));
        assert!(cases[2].path().ends_with("&bucket=hour"));
        assert!(cases[4].path().ends_with("&labels=region%3Deu"));
        assert!(
            cases[0]
                .path()
                .starts_with("/api/v1/metrics/cpu.usage/panel?range=custom&from=")
        );
    }

    #[test]
    fn panels_are_read() {
        let body = br#"{"points":[{"t":"2026-11-21T10:00:00Z","count":3,"p50":1.0,"p95":2.0,"p99":3.0},
                                  {"t":"2026-11-21T11:00:00Z","count":4,"p50":1.5,"p95":2.5,"p99":3.5}],"trend":null}"#;
        let buckets = read_panel(body).unwrap();
        assert_eq!(buckets.len(), 2);
        assert_eq!(buckets[1].count, 4);
        assert_eq!(buckets[1].t_ms - buckets[0].t_ms, HOUR_MS);
        assert_eq!(buckets[0].quantiles, [1.0, 2.0, 3.0]);
        assert!(read_panel(b"{}").is_none());
    }

    #[test]
    fn accuracy_compares_matching_buckets() {
        let bucket = |t_ms, count, q: [f64; 3]| BucketStats {
            t_ms,
            count,
            quantiles: q,
        };
        let exact = [
            bucket(0, 10, [10.0, 20.0, 40.0]),
            bucket(1, 10, [10.0, 20.0, 40.0]),
            bucket(2, 5, [1.0; 3]),
        ];
        let atrium = [
            bucket(0, 10, [10.1, 20.0, 39.0]),
            bucket(1, 9, [10.0; 3]),
            bucket(3, 1, [1.0; 3]),
        ];
        let a = accuracy(&atrium, &exact);
        assert_eq!((a.buckets_compared, a.buckets_differing), (1, 3));
        assert!((a.max_relative_error[0] - 0.01).abs() < 1e-9);
        assert_eq!(a.max_relative_error[1], 0.0);
        assert!((a.max_relative_error[2] - 0.025).abs() < 1e-9);
    }
}
