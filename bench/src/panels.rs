//! Panel queries: five cases over the ingested dataset, each timed end to end as the browser
//! would wait for it (`GET /api/v1/metrics/{metric}/panel`, JSON fully received), interleaved run
//! by run with the peer's plain SQL for the same window so that machine noise hits both alike.
//! Each side's total point count is compared: a fast panel that drops points would not be a win.

use crate::dataset::{self, Dataset, METRIC, PROBE_SERIES};
use crate::http::Client;
use crate::peer;
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
            "ratio_atrium_over_peer_p50": self.ratio().map(|r| (r * 100.0).round() / 100.0),
            "atrium_points_counted": self.atrium_points,
            "atrium_buckets": self.atrium_buckets,
            "atrium_response_bytes": self.atrium_bytes,
            "peer_points_counted": self.peer_points,
            "counts_match": self.counts_match(),
            "error": self.error,
        })
    }
}

/// What one panel response says: the total of its buckets' counts and how many buckets.
fn read_panel(body: &[u8]) -> Option<(u64, usize)> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let points = value.get("points")?.as_array()?;
    let total = points
        .iter()
        .map(|p| p.get("count").and_then(Value::as_u64).unwrap_or(0))
        .sum();
    Some((total, points.len()))
}

/// One Atrium panel request; an error for anything but 200 with a readable panel.
async fn atrium_once(client: &mut Client, path: &str) -> Result<(Duration, u64, usize, usize)> {
    let started = Instant::now();
    let response = client.get(path).await?;
    let elapsed = started.elapsed();
    if response.status != StatusCode::OK {
        anyhow::bail!("{}: {}", response.status, response.snippet(300));
    }
    let (points, buckets) =
        read_panel(&response.body).ok_or_else(|| anyhow::anyhow!("unreadable panel: {}", response.snippet(300)))?;
    Ok((elapsed, points, buckets, response.body.len()))
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
            error: None,
        };
        let (mut atrium_times, mut peer_times) = (Vec::new(), Vec::new());
        let mut atrium_ok = true;
        for round in 0..=runs {
            if let Some(client) = client.as_deref_mut()
                && atrium_ok
            {
                match atrium_once(client, &path).await {
                    Ok((elapsed, points, buckets, bytes)) => {
                        if round > 0 {
                            atrium_times.push(elapsed);
                        }
                        outcome.atrium_points = Some(points);
                        outcome.atrium_buckets = Some(buckets);
                        outcome.atrium_bytes = Some(bytes);
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
                    Ok((elapsed, points)) => {
                        if round > 0 {
                            peer_times.push(elapsed);
                        }
                        outcome.peer_points = Some(points);
                    }
                    Err(err) => {
                        eprintln!("bench: peer query ({}) failed: {err:#}", outcome.case.id);
                        outcome.error = Some(format!("peer: {err:#}"));
                        break;
                    }
                }
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
    fn panels_are_counted() {
        let body = br#"{"points":[{"t":"x","count":3},{"t":"y","count":4}],"trend":null}"#;
        assert_eq!(read_panel(body).unwrap(), (7, 2));
        assert!(read_panel(b"{}").is_none());
    }
}
