//! The least-squares straight line through a series, behind the chart's "trending up/down" note.

use crate::sample::{Sample, observed};
use serde::{Deserialize, Serialize};

/// A fitted line `value ≈ intercept + slope_per_second · t`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// Change in value per second (multiply by the bucket size for "per bucket").
    pub slope_per_second: f64,
    /// The line's value at `t = 0`, i.e. at the Unix epoch; read values near the data with [`Trend::at`].
    pub intercept: f64,
    /// Share of the variance the line explains, in `[0, 1]`; `1` when all points lie on it, including
    /// the case of a perfectly flat series.
    pub r_squared: f64,
}

impl Trend {
    /// The line's value at time `t` (seconds since the epoch).
    #[must_use]
    pub fn at(&self, t: f64) -> f64 {
        self.intercept + self.slope_per_second * t
    }
}

/// Ordinary least squares over the observed samples; gaps are simply left out, so irregular spacing is fine.
///
/// `None` when fewer than two points are observed, when they all share one timestamp, or when the values
/// are so large that the sums overflow.
#[must_use]
pub fn trend(samples: &[Sample]) -> Option<Trend> {
    let points: Vec<(f64, f64)> = observed(samples).map(|(_, t, value)| (t, value)).collect();
    fit_line(&points)
}

/// OLS on `(x, y)` pairs, shared with the seasonality detector, which detrends by step index.
pub(crate) fn fit_line(points: &[(f64, f64)]) -> Option<Trend> {
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|&(x, _)| x).sum::<f64>() / n;
    let mean_y = points.iter().map(|&(_, y)| y).sum::<f64>() / n;
    // Centred sums: epoch timestamps are ~1.7e9, and the textbook Σx² − n·x̄² would cancel away most
    // of the digits of the slope.
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in points {
        let (dx, dy) = (x - mean_x, y - mean_y);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if !(sxx > 0.0 && sxx.is_finite()) {
        return None;
    }
    let slope = sxy / sxx;
    let fitted = Trend {
        slope_per_second: slope,
        intercept: mean_y - slope * mean_x,
        // r² = Sxy² / (Sxx·Syy), written so that neither product can overflow on its own.
        r_squared: if syy > 0.0 {
            (slope * (sxy / syy)).clamp(0.0, 1.0)
        } else {
            1.0
        },
    };
    let finite = fitted.slope_per_second.is_finite() && fitted.intercept.is_finite() && fitted.r_squared.is_finite();
    finite.then_some(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_series::{Lcg, STEP, T0, series};

    #[test]
    fn exact_line_has_its_slope_intercept_and_r_squared_one() {
        let samples: Vec<Sample> = (0..50)
            .map(|i| (f64::from(i), Some(3.0 + 2.0 * f64::from(i))))
            .collect();
        let fitted = trend(&samples).expect("two or more points");
        assert!((fitted.slope_per_second - 2.0).abs() < 1e-12, "{fitted:?}");
        assert!((fitted.intercept - 3.0).abs() < 1e-10, "{fitted:?}");
        assert!((fitted.r_squared - 1.0).abs() < 1e-12, "{fitted:?}");
        assert!((fitted.at(100.0) - 203.0).abs() < 1e-9);
    }

    #[test]
    fn epoch_timestamps_keep_the_slope_precise() {
        // One unit per hour starting 2026-01-01: a naive Σt² formula loses the slope entirely here.
        let samples = series((0..500).map(|i| Some(7.0 + f64::from(i))));
        let fitted = trend(&samples).expect("two or more points");
        assert!((fitted.slope_per_second * STEP - 1.0).abs() < 1e-9, "{fitted:?}");
        assert!((fitted.at(T0) - 7.0).abs() < 1e-5, "{fitted:?}");
        assert!(fitted.r_squared > 1.0 - 1e-12);
    }

    #[test]
    fn noisy_line_is_recovered_within_tolerance() {
        let mut noise = Lcg::new(7);
        let samples: Vec<Sample> = (0..200)
            .map(|i| (f64::from(i), Some(3.0 + 2.0 * f64::from(i) + noise.uniform(5.0))))
            .collect();
        let fitted = trend(&samples).expect("two or more points");
        assert!((fitted.slope_per_second - 2.0).abs() < 0.02, "{fitted:?}");
        assert!((fitted.intercept - 3.0).abs() < 1.5, "{fitted:?}");
        assert!(fitted.r_squared > 0.99 && fitted.r_squared < 1.0, "{fitted:?}");
    }

    #[test]
    fn noise_without_a_line_has_low_r_squared() {
        let mut noise = Lcg::new(3);
        let samples: Vec<Sample> = (0..300).map(|i| (f64::from(i), Some(noise.uniform(1.0)))).collect();
        let fitted = trend(&samples).expect("two or more points");
        assert!(fitted.r_squared < 0.05, "{fitted:?}");
    }

    #[test]
    fn gaps_and_non_finite_values_are_left_out() {
        let samples = [
            (0.0, Some(3.0)),
            (1.0, None),
            (2.0, Some(f64::NAN)),
            (3.0, Some(9.0)),
            (f64::NAN, Some(1e9)),
            (4.0, Some(f64::INFINITY)),
            (5.0, Some(13.0)),
        ];
        let fitted = trend(&samples).expect("three observed points");
        assert!((fitted.slope_per_second - 2.0).abs() < 1e-12, "{fitted:?}");
        assert!((fitted.intercept - 3.0).abs() < 1e-12, "{fitted:?}");
    }

    #[test]
    fn too_little_or_degenerate_input_gives_none() {
        assert_eq!(trend(&[]), None);
        assert_eq!(trend(&[(1.0, Some(1.0))]), None);
        assert_eq!(trend(&[(1.0, Some(1.0)), (2.0, None), (3.0, Some(f64::NAN))]), None);
        assert_eq!(trend(&[(5.0, Some(1.0)), (5.0, Some(2.0))]), None, "no spread in t");
        assert_eq!(
            trend(&[(0.0, Some(f64::MAX)), (1.0, Some(-f64::MAX))]),
            None,
            "overflowing sums"
        );
    }

    #[test]
    fn flat_series_is_a_perfect_fit_with_zero_slope() {
        let fitted = trend(&series((0..10).map(|_| Some(4.0)))).expect("ten points");
        assert!(fitted.slope_per_second.abs() < 1e-15);
        assert!((fitted.r_squared - 1.0).abs() < f64::EPSILON);
    }
}
