//! The quantile sketch stored with every rollup: a DDSketch (relative-error guarantee, mergeable,
//! negative values allowed), stored as its serde form in postcard (varint bins, compact). Not the
//! crate's Java-compatible encoding: decoding that yields a different configuration, and sketches
//! of different configurations cannot be merged.

use sketches_ddsketch::{Config, DDSketch};

/// Relative accuracy of every quantile read from a sketch: the value returned for quantile q is
/// within ±1% of a value whose rank is q (DDSketch's guarantee).
pub const RELATIVE_ACCURACY: f64 = 0.01;
/// Enough bins for values spanning ~40 orders of magnitude at 1% accuracy; memory stays small
/// because bins are allocated only over the range actually seen.
const MAX_BINS: u32 = 4_096;
/// Values closer to zero than this count as zero.
const MIN_VALUE: f64 = 1e-9;

/// A mergeable summary of a set of values.
#[derive(Clone)]
pub struct Sketch(DDSketch);

impl std::fmt::Debug for Sketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sketch").field("count", &self.0.count()).finish()
    }
}

impl Default for Sketch {
    fn default() -> Self {
        Self::new()
    }
}

impl Sketch {
    pub fn new() -> Self {
        Self(DDSketch::new(Config::new(RELATIVE_ACCURACY, MAX_BINS, MIN_VALUE)))
    }

    /// Adds one value; non-finite values are ignored (ingestion refuses them before this).
    pub fn add(&mut self, value: f64) {
        if value.is_finite() {
            self.0.add(value);
        }
    }

    /// Folds `other` into this sketch. Both come from `Sketch::new`/`decode`, so their
    /// configurations match and merging cannot fail; if it somehow did, the other is counted
    /// by its quantiles rather than lost silently.
    pub fn merge(&mut self, other: &Sketch) {
        if self.0.merge(&other.0).is_err() {
            tracing::warn!("sketch configurations differ; merging by re-adding quantiles");
            for q in 1..=99 {
                if let Ok(Some(value)) = other.0.quantile(f64::from(q) / 100.0) {
                    self.0.add(value);
                }
            }
        }
    }

    pub fn count(&self) -> u64 {
        self.0.count() as u64
    }

    /// The value at quantile `q` (0..=1), or `None` for an empty sketch.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.0.quantile(q).ok().flatten()
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(&self.0).unwrap_or_default()
    }

    /// Reads stored bytes. A sketch that cannot be decoded (corruption) reads as empty and is
    /// logged: the rollup's count/sum/min/max stay right, only its percentiles are lost.
    pub fn decode(bytes: &[u8]) -> Self {
        match postcard::from_bytes::<DDSketch>(bytes) {
            Ok(sketch) => Self(sketch),
            Err(error) => {
                tracing::error!(?error, "undecodable rollup sketch");
                Self::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact value at quantile q by the "lower" rank definition DDSketch uses: rank = q·(n−1).
    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        let rank = (q * (sorted.len() - 1) as f64).floor() as usize;
        sorted[rank]
    }

    fn assert_close(estimate: f64, exact: f64) {
        let tolerance = RELATIVE_ACCURACY * exact.abs() + 1e-9;
        assert!(
            (estimate - exact).abs() <= tolerance,
            "estimate {estimate} vs exact {exact}"
        );
    }

    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
                // Latency-like: a heavy right tail, plus some negatives (a delta metric).
                (unit * 8.0).exp() - 5.0
            })
            .collect()
    }

    #[test]
    fn quantiles_are_within_the_relative_accuracy_of_brute_force() {
        let data = values(20_000, 7);
        let mut sketch = Sketch::new();
        data.iter().for_each(|v| sketch.add(*v));
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        for q in [0.5, 0.9, 0.95, 0.99] {
            assert_close(sketch.quantile(q).expect("non-empty"), exact_quantile(&sorted, q));
        }
    }

    #[test]
    fn merged_encoded_sketches_equal_one_sketch_over_all_values() {
        let data = values(9_000, 11);
        let mut whole = Sketch::new();
        data.iter().for_each(|v| whole.add(*v));
        let mut merged = Sketch::new();
        for chunk in data.chunks(1_000) {
            let mut part = Sketch::new();
            chunk.iter().for_each(|v| part.add(*v));
            merged.merge(&Sketch::decode(&part.encode()));
        }
        assert_eq!(merged.count(), 9_000);
        for q in [0.5, 0.95, 0.99] {
            assert_eq!(merged.quantile(q), whole.quantile(q));
        }
    }

    #[test]
    fn empty_and_garbage_read_as_empty() {
        assert_eq!(Sketch::new().quantile(0.5), None);
        assert_eq!(Sketch::decode(b"not a sketch").count(), 0);
        let mut sketch = Sketch::new();
        sketch.add(f64::NAN);
        sketch.add(f64::INFINITY);
        assert_eq!(sketch.count(), 0);
    }
}
