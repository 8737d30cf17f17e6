//! Anomaly markers: points far from the mean of the points just before them.

use crate::sample::{Sample, observed};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Default trailing window, in observed points.
pub const DEFAULT_WINDOW: usize = 30;
/// Default threshold, in standard deviations of the window.
pub const DEFAULT_SIGMA: f64 = 3.0;
/// A window needs at least this many points (and at least half of `window`) before it judges.
const MIN_WINDOW_POINTS: usize = 5;

/// An observed point that lies beyond the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    /// Position of the sample in the input slice.
    pub index: usize,
    /// The sample's time, seconds since the epoch.
    pub t: f64,
    /// The sample's value.
    pub value: f64,
    /// Mean of the trailing window: what the point "should" have been.
    pub expected: f64,
    /// Sample standard deviation of the trailing window.
    pub sigma: f64,
    /// `(value − expected) / sigma`: signed, so negative for dips.
    pub score: f64,
}

/// The observed points more than `threshold_sigma` standard deviations from the mean of the `window`
/// observed points before them, in input order.
///
/// Gaps (and NaN or infinite samples) are skipped: the window holds the previous *observed* points,
/// never the point itself. A point is only judged when the window holds at least
/// `max(5, window / 2)` points and their standard deviation is positive, so the start of a series and
/// perfectly constant stretches are never flagged (there is no spread to measure against).
///
/// **Robustness.** A flagged point enters later windows *clipped* to `expected ± threshold_sigma·sigma`
/// instead of at its own value. Left in at full size, one spike inflates the window's σ enough to hide
/// the next spike (with a window of 30 and 3σ, the fourth spike of a burst goes unseen); left out
/// entirely, a lasting change of level would be flagged for ever because the window could never
/// learn it. Clipped, a spike barely moves the baseline, and a lasting level shift stops being flagged
/// once the window has caught up (for a jump of 35σ and a window of 30, after 19 points).
///
/// A `window` under 5, or a `threshold_sigma` that is not a positive finite number, finds nothing.
/// Cost: O(n · window).
#[must_use]
pub fn anomalies(samples: &[Sample], window: usize, threshold_sigma: f64) -> Vec<Anomaly> {
    let needed = MIN_WINDOW_POINTS.max(window / 2);
    if needed > window || !(threshold_sigma.is_finite() && threshold_sigma > 0.0) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut recent = VecDeque::with_capacity(window.min(samples.len()));
    for (index, t, value) in observed(samples) {
        let mut admitted = value;
        if recent.len() >= needed
            && let Some((expected, sigma)) = mean_and_sigma(&recent)
        {
            let score = (value - expected) / sigma;
            if score.abs() > threshold_sigma {
                found.push(Anomaly {
                    index,
                    t,
                    value,
                    expected,
                    sigma,
                    score,
                });
                admitted = expected + threshold_sigma * sigma * score.signum();
            }
        }
        if recent.len() == window {
            recent.pop_front();
        }
        recent.push_back(admitted);
    }
    found
}

/// Mean and sample standard deviation (n − 1), or `None` if the spread is zero or not finite.
fn mean_and_sigma(window: &VecDeque<f64>) -> Option<(f64, f64)> {
    let n = window.len() as f64;
    let mean = window.iter().sum::<f64>() / n;
    let variance = window.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    let sigma = variance.sqrt();
    (mean.is_finite() && sigma.is_finite() && sigma > 0.0).then_some((mean, sigma))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_series::{Lcg, STEP, T0, series};
    use std::f64::consts::TAU;

    fn flat_noise(seed: u64, n: usize) -> Vec<Option<f64>> {
        let mut noise = Lcg::new(seed);
        (0..n).map(|_| Some(100.0 + noise.uniform(1.0))).collect()
    }

    fn indices(found: &[Anomaly]) -> Vec<usize> {
        found.iter().map(|a| a.index).collect()
    }

    #[test]
    fn a_single_spike_is_reported_once_at_its_index() {
        let mut values = flat_noise(1, 200);
        values[120] = Some(120.0);
        let samples = series(values);
        let found = anomalies(&samples, DEFAULT_WINDOW, DEFAULT_SIGMA);
        assert_eq!(indices(&found), vec![120]);
        let spike = found[0];
        assert!((spike.t - (T0 + 120.0 * STEP)).abs() < 1e-6);
        assert!((spike.value - 120.0).abs() < f64::EPSILON);
        assert!((spike.expected - 100.0).abs() < 0.5, "{spike:?}");
        assert!(spike.score > 20.0, "{spike:?}");
    }

    #[test]
    fn dips_are_found_with_a_negative_score() {
        let mut values = flat_noise(2, 100);
        values[70] = Some(80.0);
        let found = anomalies(&series(values), DEFAULT_WINDOW, DEFAULT_SIGMA);
        assert_eq!(indices(&found), vec![70]);
        assert!(found[0].score < -20.0);
    }

    #[test]
    fn a_clean_sine_with_small_noise_has_no_anomalies() {
        let mut noise = Lcg::new(3);
        let samples = series((0..480).map(|i| Some(10.0 * (TAU * f64::from(i) / 24.0).sin() + noise.uniform(0.5))));
        assert_eq!(
            indices(&anomalies(&samples, DEFAULT_WINDOW, DEFAULT_SIGMA)),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn spikes_close_together_are_all_found() {
        let mut values = flat_noise(4, 200);
        for index in [100, 102] {
            values[index] = Some(120.0);
        }
        assert_eq!(
            indices(&anomalies(&series(values), DEFAULT_WINDOW, DEFAULT_SIGMA)),
            vec![100, 102]
        );
    }

    #[test]
    fn a_burst_of_spikes_does_not_mask_its_own_tail() {
        // Unclipped, three spikes in a window of 30 raise σ so much that the fourth scores under 3.
        let mut values = flat_noise(5, 200);
        let burst = [100, 101, 103, 104, 106];
        for index in burst {
            values[index] = Some(120.0);
        }
        assert_eq!(
            indices(&anomalies(&series(values.clone()), DEFAULT_WINDOW, DEFAULT_SIGMA)),
            burst
        );
        // With a short window even one unclipped spike hides the next.
        let mut values = flat_noise(6, 100);
        values[60] = Some(120.0);
        values[62] = Some(120.0);
        assert_eq!(indices(&anomalies(&series(values), 8, DEFAULT_SIGMA)), vec![60, 62]);
    }

    #[test]
    fn a_level_shift_is_flagged_briefly_then_learned() {
        let mut values = flat_noise(7, 300);
        for value in values.iter_mut().skip(150).flatten() {
            *value += 20.0;
        }
        let found = indices(&anomalies(&series(values), DEFAULT_WINDOW, DEFAULT_SIGMA));
        assert_eq!(found.first(), Some(&150));
        assert!(
            found.iter().all(|&index| (150..150 + DEFAULT_WINDOW).contains(&index)),
            "{found:?}"
        );
    }

    #[test]
    fn gaps_are_skipped_and_indices_refer_to_the_input() {
        let mut values = flat_noise(8, 120);
        for index in (0..120).step_by(3) {
            values[index] = None;
        }
        values[91] = Some(f64::NAN);
        values[95] = Some(130.0);
        let mut samples = series(values);
        samples[50].0 = f64::NAN;
        let found = anomalies(&samples, DEFAULT_WINDOW, DEFAULT_SIGMA);
        assert_eq!(indices(&found), vec![95]);
    }

    #[test]
    fn the_window_must_fill_before_judging() {
        // The spike at index 4 has only four points before it, below the minimum of five.
        let samples = series([1.0, 2.0, 1.0, 2.0, 50.0, 1.0, 2.0, 1.0, 2.0].map(Some));
        assert!(anomalies(&samples, DEFAULT_WINDOW, DEFAULT_SIGMA).is_empty());
        let samples = series([1.0, 2.0, 1.0, 2.0, 1.0, 50.0].map(Some));
        let found = anomalies(&samples, 10, DEFAULT_SIGMA);
        assert_eq!(indices(&found), vec![5]);
        // Mean 1.4 and sample (n − 1) standard deviation √0.3 of the five points before it.
        assert!((found[0].expected - 1.4).abs() < 1e-12, "{:?}", found[0]);
        assert!((found[0].sigma - 0.3_f64.sqrt()).abs() < 1e-12, "{:?}", found[0]);
        assert!((found[0].score - 48.6 / 0.3_f64.sqrt()).abs() < 1e-9, "{:?}", found[0]);
    }

    #[test]
    fn constant_windows_degenerate_parameters_and_empty_input_find_nothing() {
        let mut constant = vec![Some(5.0); 50];
        constant[40] = Some(500.0);
        assert!(
            anomalies(&series(constant), DEFAULT_WINDOW, DEFAULT_SIGMA).is_empty(),
            "σ = 0 cannot judge"
        );
        let mut values = flat_noise(9, 100);
        values[80] = Some(200.0);
        let samples = series(values);
        for window in [0, 1, 4] {
            assert!(anomalies(&samples, window, DEFAULT_SIGMA).is_empty(), "window {window}");
        }
        for sigma in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(
                anomalies(&samples, DEFAULT_WINDOW, sigma).is_empty(),
                "threshold {sigma}"
            );
        }
        assert_eq!(
            indices(&anomalies(&samples, usize::MAX, DEFAULT_SIGMA)),
            Vec::<usize>::new()
        );
        assert!(anomalies(&[], DEFAULT_WINDOW, DEFAULT_SIGMA).is_empty());
        assert!(anomalies(&series([Some(1.0)]), DEFAULT_WINDOW, DEFAULT_SIGMA).is_empty());
    }

    #[test]
    fn nan_and_extreme_values_do_not_panic() {
        let samples: Vec<Sample> = (0..100)
            .map(|i| match i % 5 {
                0 => (f64::NAN, Some(f64::NAN)),
                1 => (f64::from(i), Some(f64::MAX)),
                2 => (f64::from(i), Some(-f64::MAX)),
                _ => (f64::INFINITY, Some(1.0)),
            })
            .collect();
        let found = anomalies(&samples, DEFAULT_WINDOW, DEFAULT_SIGMA);
        assert!(found.iter().all(|a| a.expected.is_finite() && a.sigma.is_finite()));
    }
}
