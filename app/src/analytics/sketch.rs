//! The quantile sketch stored with every rollup: a DDSketch (relative-error guarantee, mergeable,
//! negative values allowed) of our own, because what is stored matters most here. The crate we
//! used kept bins densely in steps of 128 and its serde form wrote them all: about 210 bytes for a
//! minute of six values, two thirds of every rollup row, written on every ingested batch. This one
//! keeps the same mapping (γ = 1.01/0.99, a bin per ⌊log_γ v⌋) and writes only occupied bins as
//! varints, so a minute of six values takes about 16 bytes. Rows written in the crate's format
//! are still read (`legacy`): same mapping, so old and new sketches merge.

/// Relative accuracy of every quantile read from a sketch: the value returned for quantile q is
/// within ±1% of a value whose rank is q (DDSketch's guarantee).
pub const RELATIVE_ACCURACY: f64 = 0.01;
/// Bins per sign: enough for values spanning ~40 orders of magnitude at 1% accuracy. Beyond it
/// the lowest bins collapse into one (only the smallest magnitudes lose accuracy).
const MAX_BINS: usize = 4_096;
/// Values closer to zero than this count as zero.
const MIN_VALUE: f64 = 1e-9;
/// First byte of the stored form. The crate's form starts with its bin limit as a varint (4096:
/// 0x80 0x20), so the two cannot be mistaken for each other.
const FORMAT: u8 = 1;

/// γ = (1 + α) / (1 − α), and its logarithm.
fn gamma() -> f64 {
    (1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY)
}
fn gamma_ln() -> f64 {
    gamma().ln()
}

/// The bin of a magnitude above `MIN_VALUE`, computed once per value and reused for every rollup
/// the value lands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bin {
    Positive(i32),
    Zero,
    Negative(i32),
    /// NaN and infinities: not counted (ingestion refuses them before this).
    None,
}

impl Bin {
    pub fn of(value: f64) -> Self {
        if !value.is_finite() {
            Self::None
        } else if value > MIN_VALUE {
            Self::Positive(key(value))
        } else if value < -MIN_VALUE {
            Self::Negative(key(-value))
        } else {
            Self::Zero
        }
    }
}

fn key(magnitude: f64) -> i32 {
    (magnitude.ln() / gamma_ln()).floor() as i32
}

/// The value a bin stands for: its geometric middle, within ±α of every value in it.
fn value(key: i32) -> f64 {
    let gamma = gamma();
    (f64::from(key) * gamma_ln()).exp() * (2.0 * gamma / (1.0 + gamma))
}

/// Counts of one sign's bins: `counts[i]` is bin `offset + i`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Bins {
    offset: i32,
    counts: Vec<u64>,
    total: u64,
}

impl Bins {
    fn add(&mut self, key: i32, n: u64) {
        if n == 0 {
            return;
        }
        self.total += n;
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push(n);
            return;
        }
        let high = self.offset + self.counts.len() as i32 - 1;
        let key = key.max(high.saturating_sub(MAX_BINS as i32 - 1));
        if key > high {
            self.counts.resize((key - self.offset + 1) as usize, 0);
            self.collapse_lowest();
        } else if key < self.offset {
            let grow = (self.offset - key) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = key;
        }
        self.counts[(key - self.offset) as usize] += n;
    }

    /// Keeps at most `MAX_BINS` bins by folding the lowest into the lowest kept.
    fn collapse_lowest(&mut self) {
        if self.counts.len() > MAX_BINS {
            let excess = self.counts.len() - MAX_BINS;
            let folded: u64 = self.counts.drain(..excess).sum();
            self.counts[0] += folded;
            self.offset += excess as i32;
        }
    }

    fn occupied(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (self.offset + i as i32, *n))
    }

    fn merge(&mut self, other: &Bins) {
        // Ascending, so the range grows at the front at most once.
        for (key, n) in other.occupied() {
            self.add(key, n);
        }
    }

    fn key_at_rank(&self, rank: u64) -> i32 {
        let mut seen = 0;
        for (key, n) in self.occupied() {
            seen += n;
            if seen > rank {
                return key;
            }
        }
        self.offset + self.counts.len() as i32 - 1
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let occupied: Vec<(i32, u64)> = self.occupied().collect();
        varint::put(out, occupied.len() as u64);
        let mut previous = None;
        for (key, n) in occupied {
            match previous {
                None => varint::put(out, varint::zigzag(key)),
                Some(previous) => varint::put(out, u64::from((key - previous) as u32)),
            }
            varint::put(out, n);
            previous = Some(key);
        }
    }

    fn decode(input: &mut &[u8]) -> Option<Self> {
        let mut bins = Self::default();
        let occupied = varint::take(input)?;
        let mut key: Option<i32> = None;
        for _ in 0..occupied {
            let step = varint::take(input)?;
            let next = match key {
                None => varint::unzigzag(step)?,
                Some(previous) => previous.checked_add(i32::try_from(step).ok().filter(|s| *s > 0)?)?,
            };
            bins.add(next, varint::take(input)?);
            key = Some(next);
        }
        Some(bins)
    }
}

/// A mergeable summary of a set of values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch {
    positive: Bins,
    negative: Bins,
    zero: u64,
}

impl Sketch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value; non-finite values are ignored (ingestion refuses them before this).
    pub fn add(&mut self, value: f64) {
        self.add_bin(Bin::of(value));
    }

    /// Adds one value whose bin the caller computed (`Bin::of`).
    pub fn add_bin(&mut self, bin: Bin) {
        match bin {
            Bin::Positive(key) => self.positive.add(key, 1),
            Bin::Negative(key) => self.negative.add(key, 1),
            Bin::Zero => self.zero += 1,
            Bin::None => {}
        }
    }

    /// Folds `other` into this sketch.
    pub fn merge(&mut self, other: &Sketch) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zero += other.zero;
    }

    pub fn count(&self) -> u64 {
        self.positive.total + self.negative.total + self.zero
    }

    /// The value at quantile `q` (0..=1) by the rank ⌊q·(n−1)⌋, or `None` for an empty sketch.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let count = self.count();
        if count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = (q * (count - 1) as f64) as u64;
        let negative = self.negative.total;
        Some(if rank < negative {
            -value(self.negative.key_at_rank(negative - rank - 1))
        } else if rank < negative + self.zero {
            0.0
        } else {
            value(self.positive.key_at_rank(rank - negative - self.zero))
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16);
        out.push(FORMAT);
        varint::put(&mut out, self.zero);
        self.positive.encode(&mut out);
        self.negative.encode(&mut out);
        out
    }

    /// Reads stored bytes, in either format. A sketch that cannot be decoded (corruption) reads
    /// as empty and is logged: the rollup's count/sum/min/max stay right, only its percentiles
    /// are lost.
    pub fn decode(bytes: &[u8]) -> Self {
        let decoded = match bytes.split_first() {
            Some((&FORMAT, mut rest)) => (|| {
                let zero = varint::take(&mut rest)?;
                let positive = Bins::decode(&mut rest)?;
                let negative = Bins::decode(&mut rest)?;
                rest.is_empty().then_some(Self {
                    positive,
                    negative,
                    zero,
                })
            })(),
            _ => legacy::decode(bytes),
        };
        decoded.unwrap_or_else(|| {
            tracing::error!(bytes = bytes.len(), "undecodable rollup sketch");
            Self::new()
        })
    }
}

/// The form `sketches-ddsketch` 0.4 wrote through serde and postcard (until issue 12): the same
/// mapping, bins stored densely from `offset`.
mod legacy {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[allow(dead_code)] // read to move past them; only gamma is checked
    struct Config {
        max_num_bins: u32,
        gamma: f64,
        gamma_ln: f64,
        min_value: f64,
        offset: i32,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Store {
        bins: Vec<u64>,
        count: u64,
        min_key: i32,
        max_key: i32,
        offset: i32,
        bin_limit: usize,
        is_collapsed: bool,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct DdSketch {
        config: Config,
        store: Store,
        negative_store: Store,
        min: f64,
        max: f64,
        sum: f64,
        zero_count: u64,
    }

    fn bins(store: &Store) -> super::Bins {
        let mut bins = super::Bins::default();
        for (i, n) in store.bins.iter().enumerate() {
            if let Ok(i) = i32::try_from(i) {
                bins.add(store.offset.saturating_add(i), *n);
            }
        }
        bins
    }

    pub(super) fn decode(bytes: &[u8]) -> Option<super::Sketch> {
        let old: DdSketch = postcard::from_bytes(bytes).ok()?;
        // Another accuracy would map values to other bins: refuse rather than misread.
        if (old.config.gamma - super::gamma()).abs() > 1e-12 {
            return None;
        }
        Some(super::Sketch {
            positive: bins(&old.store),
            negative: bins(&old.negative_store),
            zero: old.zero_count,
        })
    }
}

/// LEB128 varints, zigzag for signed keys.
mod varint {
    pub fn put(out: &mut Vec<u8>, mut n: u64) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    pub fn take(input: &mut &[u8]) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = input.split_first()?;
            *input = rest;
            n |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    pub fn zigzag(n: i32) -> u64 {
        u64::from(((n << 1) ^ (n >> 31)) as u32)
    }

    pub fn unzigzag(n: u64) -> Option<i32> {
        let n = u32::try_from(n).ok()?;
        Some(((n >> 1) as i32) ^ -((n & 1) as i32))
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

    #[test]
    fn a_minute_of_six_values_is_stored_in_a_few_bytes() {
        let mut sketch = Sketch::new();
        [47.0, 52.5, 49.1, 88.0, 12.25, 50.0]
            .into_iter()
            .for_each(|v| sketch.add(v));
        let bytes = sketch.encode();
        assert!(bytes.len() <= 20, "{} bytes", bytes.len());
        assert_eq!(Sketch::decode(&bytes), sketch);
    }

    #[test]
    fn sketches_in_the_old_format_are_read_and_merge_with_new_ones() {
        use sketches_ddsketch::{Config, DDSketch};
        let data = values(5_000, 3);
        let mut old = DDSketch::new(Config::new(RELATIVE_ACCURACY, 4_096, MIN_VALUE));
        let mut new = Sketch::new();
        for v in &data[..2_500] {
            old.add(*v);
        }
        for v in &data[2_500..] {
            new.add(*v);
        }
        let stored = postcard::to_allocvec(&old).expect("encodes");
        let read = Sketch::decode(&stored);
        assert_eq!(read.count(), 2_500);
        for q in [0.5, 0.95, 0.99] {
            assert_eq!(read.quantile(q), old.quantile(q).expect("in range"), "q = {q}");
        }
        let mut merged = read;
        merged.merge(&new);
        let mut whole = Sketch::new();
        data.iter().for_each(|v| whole.add(*v));
        assert_eq!(merged, whole);
    }

    #[test]
    fn truncated_or_foreign_bytes_read_as_empty() {
        let mut sketch = Sketch::new();
        (1..100).for_each(|v| sketch.add(f64::from(v)));
        let bytes = sketch.encode();
        assert_eq!(Sketch::decode(&bytes[..bytes.len() - 1]).count(), 0);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Sketch::decode(&longer).count(), 0);
        assert_eq!(Sketch::decode(&[FORMAT, 0, 1, 0xff]).count(), 0);
        assert_eq!(Sketch::decode(&[]).count(), 0);
    }

    #[test]
    fn bins_beyond_the_limit_collapse_into_the_lowest() {
        let mut sketch = Sketch::new();
        // 1e-8 … 1e300: far more than 4096 bins at 1%.
        let data: Vec<f64> = (0..3_000).map(|i| 10f64.powf(-8.0 + f64::from(i) * 0.1027)).collect();
        data.iter().for_each(|v| sketch.add(*v));
        assert!(sketch.positive.counts.len() <= MAX_BINS);
        assert_eq!(sketch.count(), 3_000);
        let mut sorted = data.clone();
        sorted.sort_by(f64::total_cmp);
        // High quantiles keep their accuracy; only the lowest magnitudes were folded.
        assert_close(sketch.quantile(0.99).expect("non-empty"), exact_quantile(&sorted, 0.99));
        assert_eq!(Sketch::decode(&sketch.encode()), sketch);
    }
}
