//! The synthetic fleet: `series` hosts each reporting one `cpu.usage` point every 10 s, in the
//! layout of the peer script (`run_pg_timeseries.sh`): point `i` belongs to series `i % series`,
//! and with 100 series consecutive points are 100 ms apart, so the stream is in time order
//! across the fleet the way collectors would send it.
//!
//! Unlike the peer, the timestamps end just before "now": Atrium refuses points older than its
//! maximum age, so the dataset is anchored to the present and the bench raises that limit to the
//! dataset's span. The same generator feeds Atrium (JSON) and the plain-PostgreSQL peer (CSV and
//! INSERT text), so both store the same points.

use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt::Write as _;

/// The metric every point belongs to.
pub const METRIC: &str = "cpu.usage";
/// Time between two points of one series.
pub const INTERVAL_MS: i64 = 10_000;
/// The series whose one-series panels are timed (`host=h-007`, `series_id = 7` at the peer).
pub const PROBE_SERIES: u32 = 7;

/// One generated point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub series: u32,
    pub ts_ms: i64,
    pub value: f64,
}

/// `points` points over `series` series, the first at `start_ms`.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub series: u32,
    pub points: u64,
    pub start_ms: i64,
    /// `{"host":"h-007","region":"us"}` per series, written once.
    labels_json: Vec<String>,
}

impl Dataset {
    /// A dataset whose last point lies one to two minutes before `now_ms`. `points` is rounded
    /// up to a whole number of points per series so that every series has the same length.
    pub fn anchored(points: u64, series: u32, now_ms: i64) -> Dataset {
        let series = series.max(1);
        let per_series = points.div_ceil(u64::from(series)).max(1);
        let end_ms = now_ms.div_euclid(60_000) * 60_000 - 60_000;
        let start_ms = end_ms - per_series as i64 * INTERVAL_MS;
        Dataset {
            series,
            points: per_series * u64::from(series),
            start_ms,
            labels_json: (0..series)
                .map(|s| format!(r#"{{"host":"{}","region":"{}"}}"#, host(s), region(s)))
                .collect(),
        }
    }

    pub fn per_series(&self) -> u64 {
        self.points / u64::from(self.series)
    }

    /// Offset of series `s` within each 10 s round (100 ms apart with 100 series).
    fn series_offset_ms(&self, s: u32) -> i64 {
        i64::from(s) * INTERVAL_MS / i64::from(self.series)
    }

    pub fn point(&self, i: u64) -> Point {
        let series = (i % u64::from(self.series)) as u32;
        let round = i / u64::from(self.series);
        Point {
            series,
            ts_ms: self.start_ms + round as i64 * INTERVAL_MS + self.series_offset_ms(series),
            value: value(series, round, i),
        }
    }

    /// The timestamp of the last point.
    pub fn last_ms(&self) -> i64 {
        self.point(self.points.saturating_sub(1)).ts_ms
    }

    /// Hours between the first point and now (`now_ms`), rounded up: what the ingestion age
    /// limit must at least allow.
    pub fn age_hours(&self, now_ms: i64) -> i64 {
        ((now_ms - self.start_ms).max(0) as u64).div_ceil(3_600_000) as i64
    }

    /// Appends points `from..to` as an ingestion body: `{"points":[{"metric":…,"ts":<epoch
    /// ms>,"value":…,"labels":{…}},…]}`.
    pub fn write_json_batch(&self, from: u64, to: u64, out: &mut String) {
        out.push_str(r#"{"points":["#);
        for i in from..to.min(self.points) {
            let p = self.point(i);
            if i > from {
                out.push(',');
            }
            // Writing into a String cannot fail.
            let _ = write!(
                out,
                r#"{{"metric":"{METRIC}","ts":{},"value":{},"labels":{}}}"#,
                p.ts_ms, p.value, self.labels_json[p.series as usize]
            );
        }
        out.push_str("]}");
    }

    /// Appends points `from..to` as CSV rows `series_id,ts,value` for the peer's COPY.
    pub fn write_csv(&self, from: u64, to: u64, out: &mut String) {
        for i in from..to.min(self.points) {
            let p = self.point(i);
            let _ = writeln!(out, "{},{},{}", p.series, rfc3339(p.ts_ms), p.value);
        }
    }

    /// One multi-row `INSERT` of points `from..to` into `table`, as the peer script writes them.
    pub fn insert_statement(&self, table: &str, from: u64, to: u64) -> String {
        let mut sql = format!("INSERT INTO {table} (series_id, ts, value) VALUES ");
        for i in from..to.min(self.points) {
            let p = self.point(i);
            if i > from {
                sql.push(',');
            }
            let _ = write!(sql, "({},'{}',{})", p.series, rfc3339(p.ts_ms), p.value);
        }
        sql
    }
}

/// The `host` label of series `s`.
pub fn host(s: u32) -> String {
    format!("h-{s:03}")
}

/// The `region` label of series `s`: even series are in `eu`, odd ones in `us`.
pub fn region(s: u32) -> &'static str {
    if s.is_multiple_of(2) { "eu" } else { "us" }
}

/// `50 + 40·sin(round/500 + s) + 10·noise`, the peer's formula, with noise from a hash of the
/// point's index so that every run sends the same values. Four decimals keep the bodies short.
fn value(series: u32, round: u64, i: u64) -> f64 {
    let noise = (splitmix64(i) >> 11) as f64 / (1u64 << 53) as f64;
    let v = 50.0 + 40.0 * (round as f64 / 500.0 + f64::from(series)).sin() + 10.0 * noise;
    (v * 1e4).round() / 1e4
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `2026-11-21T10:00:00.100Z`.
pub fn rfc3339(ts_ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ts_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    #[test]
    fn layout_matches_the_peer() {
        let ds = Dataset::anchored(1_000, 100, NOW);
        assert_eq!(ds.per_series(), 10);
        let (p0, p1, p100) = (ds.point(0), ds.point(1), ds.point(100));
        assert_eq!((p0.series, p1.series, p100.series), (0, 1, 0));
        assert_eq!(p1.ts_ms - p0.ts_ms, 100);
        assert_eq!(p100.ts_ms - p0.ts_ms, INTERVAL_MS);
        assert!(ds.last_ms() < NOW - 60_000);
        assert!(ds.last_ms() >= NOW - 3 * 60_000);
        assert_eq!(ds.age_hours(NOW), 1);
    }

    #[test]
    fn points_round_up_to_whole_series() {
        let ds = Dataset::anchored(1_001, 100, NOW);
        assert_eq!(ds.points, 1_100);
    }

    #[test]
    fn json_batch_is_valid_and_complete() {
        let ds = Dataset::anchored(200, 100, NOW);
        let mut body = String::new();
        ds.write_json_batch(5, 10, &mut body);
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        let points = parsed["points"].as_array().unwrap();
        assert_eq!(points.len(), 5);
        assert_eq!(points[2]["labels"]["host"], "h-007");
        assert_eq!(points[2]["labels"]["region"], "us");
        assert_eq!(points[2]["metric"], METRIC);
        assert_eq!(points[2]["ts"].as_i64().unwrap(), ds.point(7).ts_ms);
    }

    #[test]
    fn csv_and_insert_carry_the_same_points() {
        let ds = Dataset::anchored(200, 100, NOW);
        let mut csv = String::new();
        ds.write_csv(0, 2, &mut csv);
        let first = ds.point(0);
        assert_eq!(
            csv.lines().next().unwrap(),
            format!("0,{},{}", rfc3339(first.ts_ms), first.value)
        );
        let sql = ds.insert_statement("t", 0, 2);
        assert!(sql.starts_with("INSERT INTO t (series_id, ts, value) VALUES (0,'"));
        assert_eq!(sql.matches("),(").count(), 1);
    }

    #[test]
    fn values_are_deterministic_and_in_range() {
        let ds = Dataset::anchored(10_000, 100, NOW);
        for i in 0..10_000 {
            let v = ds.point(i).value;
            assert!((10.0..=100.0).contains(&v), "{v}");
            assert_eq!(v, ds.point(i).value);
        }
    }
}
