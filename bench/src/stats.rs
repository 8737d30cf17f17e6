//! Summaries of repeated timings: median, p95 (nearest rank), min and max.

use serde_json::{Value, json};
use std::time::Duration;

/// Order statistics of a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
}

impl Summary {
    /// `None` for an empty sample.
    pub fn of(samples: &[Duration]) -> Option<Summary> {
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let (first, last) = (*ms.first()?, *ms.last()?);
        Some(Summary {
            n: ms.len(),
            min: first,
            p50: median(&ms),
            p95: nearest_rank(&ms, 0.95),
            p99: nearest_rank(&ms, 0.99),
            max: last,
        })
    }

    pub fn to_json(self) -> Value {
        json!({
            "n": self.n,
            "min_ms": round3(self.min),
            "p50_ms": round3(self.p50),
            "p95_ms": round3(self.p95),
            "p99_ms": round3(self.p99),
            "max_ms": round3(self.max),
        })
    }
}

/// The median of sorted values (mean of the middle two for an even count).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The smallest value with at least `q` of the sample at or below it.
fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Three decimals: microsecond resolution on milliseconds is all a noisy 2-core box supports.
pub fn round3(value: f64) -> f64 {
    (value * 1e3).round() / 1e3
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a test fails by panicking")]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn median_and_nearest_rank() {
        let s = Summary::of(&ms(&[5, 1, 3, 2, 4])).unwrap();
        assert_eq!((s.min, s.p50, s.max), (1.0, 3.0, 5.0));
        assert_eq!(s.p95, 5.0);
        let s = Summary::of(&ms(&(1..=20).collect::<Vec<_>>())).unwrap();
        assert_eq!(s.p50, 10.5);
        assert_eq!(s.p95, 19.0);
        assert_eq!(s.p99, 20.0);
        assert!(Summary::of(&[]).is_none());
    }
}
