//! Puts observed samples on a regular grid of `step` seconds with gaps filled, as the smoothing models need.

use crate::sample::{Sample, observed};

/// A gap-free series on a regular grid ending at the last observed sample.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RegularSeries {
    /// Timestamp of the last grid point (the latest observed sample).
    pub last_t: f64,
    /// One value per step, oldest first; interpolated where nothing was observed.
    pub values: Vec<f64>,
    /// How many grid points carry an observation rather than an interpolated value.
    pub observed: usize,
}

/// Resamples onto the grid `last_t − k·step`, keeping at most the latest `max_points` steps.
///
/// The grid is anchored at the latest observed sample so that forecasts start one step after it. Each
/// sample goes to the nearest grid point (several in one point are averaged), grid points without
/// any are filled by linear interpolation between their observed neighbours, and grid points before
/// the first observation are dropped (there is nothing to interpolate from). Anchoring and the cap also
/// bound the memory and time spent, whatever the timestamps are.
///
/// `None` if `step` is not a positive finite number or nothing is observed.
pub(crate) fn regular_series(samples: &[Sample], step: f64, max_points: usize) -> Option<RegularSeries> {
    if !(step.is_finite() && step > 0.0) || max_points == 0 {
        return None;
    }
    let last_t = observed(samples).map(|(_, t, _)| t).max_by(f64::total_cmp)?;
    let mut means = vec![0.0; max_points];
    let mut counts = vec![0_usize; max_points];
    for (_, t, value) in observed(samples) {
        let steps_back = ((last_t - t) / step).round();
        if (0.0..max_points as f64).contains(&steps_back) {
            let slot = max_points - 1 - steps_back as usize;
            counts[slot] += 1;
            // A running mean rather than a sum, which could overflow for values near f64::MAX.
            means[slot] += (value - means[slot]) / counts[slot] as f64;
        }
    }
    let first = counts.iter().position(|&count| count > 0)?;
    let mut values = Vec::with_capacity(max_points - first);
    let mut previous: Option<(usize, f64)> = None;
    for slot in first..max_points {
        if counts[slot] == 0 {
            continue;
        }
        if let Some((from, from_value)) = previous {
            let span = (slot - from) as f64;
            for gap in from + 1..slot {
                let fraction = (gap - from) as f64 / span;
                values.push(from_value + (means[slot] - from_value) * fraction);
            }
        }
        values.push(means[slot]);
        previous = Some((slot, means[slot]));
    }
    let observed = counts.iter().filter(|&&count| count > 0).count();
    Some(RegularSeries {
        last_t,
        values,
        observed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_are_filled_linearly_and_leading_gaps_dropped() {
        let samples = [
            (0.0, None),
            (10.0, Some(1.0)),
            (20.0, None),
            (30.0, Some(f64::NAN)),
            (40.0, Some(7.0)),
            (50.0, Some(8.0)),
            (60.0, None),
        ];
        let grid = regular_series(&samples, 10.0, 100).expect("observed points");
        assert_eq!(grid.values, vec![1.0, 3.0, 5.0, 7.0, 8.0]);
        assert!((grid.last_t - 50.0).abs() < f64::EPSILON);
        assert_eq!(grid.observed, 3);
    }

    #[test]
    fn jittered_and_unsorted_timestamps_land_on_the_nearest_step() {
        let samples = [(20.4, Some(3.0)), (9.7, Some(2.0)), (0.0, Some(1.0)), (19.8, Some(5.0))];
        let grid = regular_series(&samples, 10.0, 100).expect("observed points");
        // 20.4 and 19.8 share the last step and are averaged; the grid is anchored at 20.4.
        assert_eq!(grid.values, vec![1.0, 2.0, 4.0]);
        assert!((grid.last_t - 20.4).abs() < f64::EPSILON);
    }

    #[test]
    fn only_the_latest_max_points_are_kept() {
        let samples: Vec<Sample> = (0..10).map(|i| (f64::from(i), Some(f64::from(i)))).collect();
        let grid = regular_series(&samples, 1.0, 4).expect("observed points");
        assert_eq!(grid.values, vec![6.0, 7.0, 8.0, 9.0]);
        assert_eq!(grid.observed, 4);
    }

    #[test]
    fn bad_step_or_nothing_observed_gives_none() {
        let samples = [(0.0, Some(1.0)), (1.0, Some(2.0))];
        for step in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(regular_series(&samples, step, 10), None, "step {step}");
        }
        assert_eq!(regular_series(&[(0.0, None)], 1.0, 10), None);
        assert_eq!(regular_series(&[], 1.0, 10), None);
        // A step so small that every sample but the last is out of range still works.
        let grid = regular_series(&[(0.0, Some(1.0)), (1e300, Some(2.0))], 1e-300, 10).expect("last point");
        assert_eq!(grid.values, vec![2.0]);
    }
}
