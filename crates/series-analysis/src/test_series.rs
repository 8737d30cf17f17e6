//! Deterministic series builders and noise for the tests: no randomness beyond a fixed-seed LCG.

use crate::sample::Sample;

/// 2026-01-01T00:00:00Z: tests use real epoch timestamps so precision problems show up.
pub(crate) const T0: f64 = 1_767_225_600.0;
/// One-hour buckets.
pub(crate) const STEP: f64 = 3600.0;

/// Samples at `T0 + i·STEP` for the given values.
pub(crate) fn series(values: impl IntoIterator<Item = Option<f64>>) -> Vec<Sample> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, value)| (T0 + i as f64 * STEP, value))
        .collect()
}

/// Knuth's MMIX linear congruential generator: tiny, seedable, good enough for test noise.
pub(crate) struct Lcg(u64);

impl Lcg {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Uniform in `[0, 1)` from the top 53 bits of the state.
    pub(crate) fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// Uniform in `[-amplitude, amplitude)`.
    pub(crate) fn uniform(&mut self, amplitude: f64) -> f64 {
        (2.0 * self.unit() - 1.0) * amplitude
    }
}
