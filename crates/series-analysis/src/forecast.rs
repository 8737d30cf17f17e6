//! The forecast drawn after a chart's last point: exponential smoothing with a prediction band.

use crate::regular::regular_series;
use crate::sample::Sample;
use crate::seasonality::season_length;
use crate::smoothing::{Fitted, fit_holt, fit_holt_winters};
use serde::{Deserialize, Serialize};

/// Half-width of the band in standard deviations: 1.96 gives a 95% prediction interval under
/// normally distributed errors.
pub const BAND_Z: f64 = 1.96;
/// Longer horizons are cut to this many steps; a band this far out says little, and the cap keeps an
/// absurd `horizon` from allocating without bound.
pub const MAX_HORIZON: usize = 1_000;
/// Only the latest this many steps are fitted. It bounds the cost (the seasonality search is quadratic
/// in the points), and older behaviour matters little to the next steps.
pub const MAX_FIT_POINTS: usize = 4_096;
/// Fewer observed samples (interpolated steps not counted) give no forecast: the one-step errors
/// behind the band would be too few to mean anything.
pub const MIN_OBSERVED_POINTS: usize = 4;

/// Which model produced a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Holt's linear method (double exponential smoothing): level and slope.
    HoltLinear,
    /// Additive Holt-Winters (triple exponential smoothing): level, slope and a season of
    /// `season_length` steps.
    HoltWinters { season_length: usize },
}

/// One future step of a forecast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastPoint {
    /// Seconds since the epoch: the last observed sample's time plus a whole number of steps.
    pub t: f64,
    /// The point forecast.
    pub value: f64,
    /// Lower edge of the prediction band.
    pub lower: f64,
    /// Upper edge of the prediction band.
    pub upper: f64,
}

/// A forecast of the steps after a series' last observed sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// One point per future step, nearest first.
    pub points: Vec<ForecastPoint>,
    /// The model that produced it.
    pub method: Method,
    /// Standard deviation σ of the fitted model's one-step-ahead errors, the unit of the band.
    pub residual_sigma: f64,
}

/// Forecasts `horizon` steps of `step` seconds after the last observed sample.
///
/// - **Resampling.** Samples are placed on a regular grid of `step` seconds ending at the latest
///   observed sample (only its last [`MAX_FIT_POINTS`] steps); gaps are filled by linear
///   interpolation before fitting, which also means a long gap looks smooth and narrows the band.
/// - **Model.** Additive Holt-Winters if the series has a clear season, otherwise Holt's linear
///   method. A season is a peak of the autocorrelation function of the linearly detrended series
///   above 0.5 (more on short series), at least 0.3 above the lowest value at a shorter lag, at a lag
///   of 2 to n/2 steps, so at least two full seasons are seen. Smoothing weights come from a grid
///   search minimising the one-step-ahead squared error.
/// - **Band.** `value ± BAND_Z · σ · √(1 + Σ_{j=1}^{h−1} c_j²)` at `h` steps ahead, where σ² is the
///   mean squared one-step error and `c_j = α(1 + βj) + γ·[j mod m = 0]` (γ term for Holt-Winters
///   only). This is the exact variance growth of the models' state-space forms, not a plain √h
///   widening: the band widens faster when the fitted slope adapts quickly (large β).
///
/// `horizon` is capped at [`MAX_HORIZON`]; `0` gives a fit with no points. `None` if `step` is not a
/// positive finite number, fewer than [`MIN_OBSERVED_POINTS`] samples are observed within the fitted
/// range, or the values are so large that the arithmetic overflows.
#[must_use]
pub fn forecast(samples: &[Sample], step: f64, horizon: usize) -> Option<Forecast> {
    let series = regular_series(samples, step, MAX_FIT_POINTS)?;
    if series.observed < MIN_OBSERVED_POINTS {
        return None;
    }
    let seasonal = season_length(&series.values).and_then(|m| {
        Some((
            fit_holt_winters(&series.values, m)?,
            Method::HoltWinters { season_length: m },
        ))
    });
    let (fitted, method) = match seasonal {
        Some(found) => found,
        None => (fit_holt(&series.values)?, Method::HoltLinear),
    };
    let residual_sigma = (fitted.sse / fitted.error_count as f64).sqrt();
    if !residual_sigma.is_finite() {
        return None;
    }
    let points = band(&fitted, residual_sigma, series.last_t, step, horizon.min(MAX_HORIZON))?;
    Some(Forecast {
        points,
        method,
        residual_sigma,
    })
}

/// The forecast points with their band; `None` if any of it overflows.
fn band(fitted: &Fitted, sigma: f64, last_t: f64, step: f64, horizon: usize) -> Option<Vec<ForecastPoint>> {
    let mut points = Vec::with_capacity(horizon);
    let mut weight_squares = 0.0;
    for h in 1..=horizon {
        if h > 1 {
            let c = fitted.error_weight(h - 1);
            weight_squares += c * c;
        }
        let value = fitted.predict(h);
        let half_width = BAND_Z * sigma * (1.0 + weight_squares).sqrt();
        let point = ForecastPoint {
            t: last_t + h as f64 * step,
            value,
            lower: value - half_width,
            upper: value + half_width,
        };
        let finite = [point.t, point.value, point.lower, point.upper]
            .iter()
            .all(|v| v.is_finite());
        if !finite {
            return None;
        }
        points.push(point);
    }
    Some(points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_series::{Lcg, STEP, T0, series};
    use std::f64::consts::TAU;

    fn seasonal_truth(i: usize) -> f64 {
        50.0 + 0.05 * i as f64 + 10.0 * (TAU * i as f64 / 24.0).sin()
    }

    #[test]
    fn holt_continues_a_linear_series_with_a_narrow_band() {
        let samples = series((0..100).map(|i| Some(3.0 + 2.0 * f64::from(i))));
        let result = forecast(&samples, STEP, 20).expect("enough points");
        assert_eq!(result.method, Method::HoltLinear);
        assert_eq!(result.points.len(), 20);
        for (h, point) in (1..).zip(&result.points) {
            assert!((point.t - (T0 + f64::from(99 + h) * STEP)).abs() < 1e-6, "t at h = {h}");
            let expected = 3.0 + 2.0 * f64::from(99 + h);
            assert!(
                (point.value - expected).abs() < 1e-6,
                "h = {h}: {} vs {expected}",
                point.value
            );
            assert!(point.lower <= point.value && point.value <= point.upper);
            assert!(point.upper - point.lower < 1e-6, "band at h = {h}: {point:?}");
        }
    }

    #[test]
    fn holt_winters_detects_a_daily_season_and_forecasts_the_next_one() {
        let mut noise = Lcg::new(42);
        let samples = series((0..240).map(|i| Some(seasonal_truth(i) + noise.uniform(0.5))));
        let result = forecast(&samples, STEP, 24).expect("enough points");
        assert_eq!(result.method, Method::HoltWinters { season_length: 24 });
        for (h, point) in (1..).zip(&result.points) {
            let truth = seasonal_truth(239 + h);
            assert!((point.value - truth).abs() < 1.0, "h = {h}: {} vs {truth}", point.value);
            assert!(
                point.lower < truth && truth < point.upper,
                "h = {h}: {truth} outside {point:?}"
            );
        }
        // Uniform noise on ±0.5 has σ ≈ 0.29: the model's errors should be of that order.
        assert!(
            result.residual_sigma > 0.1 && result.residual_sigma < 0.6,
            "σ = {}",
            result.residual_sigma
        );
    }

    #[test]
    fn no_season_is_reported_for_a_line_or_flat_noise() {
        let line = series((0..240).map(|i| Some(3.0 + 2.0 * f64::from(i))));
        assert_eq!(forecast(&line, STEP, 10).map(|f| f.method), Some(Method::HoltLinear));
        let mut noise = Lcg::new(8);
        let flat = series((0..240).map(|_| Some(100.0 + noise.uniform(5.0))));
        let result = forecast(&flat, STEP, 10).expect("enough points");
        assert_eq!(result.method, Method::HoltLinear);
        for point in &result.points {
            assert!((point.value - 100.0).abs() < 3.0, "{point:?}");
        }
    }

    #[test]
    fn band_widens_with_the_horizon_on_noisy_data() {
        let mut noise = Lcg::new(99);
        let samples = series((0..200).map(|i| Some(0.5 * f64::from(i) + noise.uniform(4.0))));
        let result = forecast(&samples, STEP, 30).expect("enough points");
        let widths: Vec<f64> = result.points.iter().map(|p| p.upper - p.lower).collect();
        assert!(widths[0] > 0.0);
        assert!(widths.windows(2).all(|pair| pair[1] >= pair[0]), "{widths:?}");
        assert!(widths[29] > widths[0] * 1.5, "{widths:?}");
        let sigma = result.residual_sigma;
        assert!(
            (widths[0] - 2.0 * BAND_Z * sigma).abs() < 1e-9,
            "the first step is ± z·σ"
        );
    }

    #[test]
    fn gaps_are_interpolated_and_the_forecast_starts_after_the_last_observation() {
        let samples = series((0..60).map(|i| match i {
            10..=14 | 30 => None,
            40 => Some(f64::NAN),
            57.. => None,
            _ => Some(10.0 + f64::from(i)),
        }));
        let result = forecast(&samples, STEP, 5).expect("enough points");
        assert_eq!(result.method, Method::HoltLinear);
        let first = result.points[0];
        assert!((first.t - (T0 + 57.0 * STEP)).abs() < 1e-6, "{first:?}");
        assert!((first.value - 67.0).abs() < 1e-6, "{first:?}");
    }

    #[test]
    fn horizon_zero_and_huge_horizons_are_handled() {
        let samples = series((0..30).map(|i| Some(f64::from(i))));
        assert_eq!(forecast(&samples, STEP, 0).map(|f| f.points.len()), Some(0));
        assert_eq!(
            forecast(&samples, STEP, usize::MAX).map(|f| f.points.len()),
            Some(MAX_HORIZON)
        );
    }

    #[test]
    fn too_little_or_unusable_input_gives_none() {
        assert_eq!(forecast(&[], STEP, 5), None);
        assert_eq!(forecast(&series([Some(1.0)]), STEP, 5), None);
        assert_eq!(
            forecast(&series([Some(1.0), None, None, Some(2.0), Some(3.0)]), STEP, 5),
            None
        );
        let enough = series((0..10).map(|i| Some(f64::from(i))));
        for step in [0.0, -STEP, f64::NAN, f64::INFINITY] {
            assert_eq!(forecast(&enough, step, 5), None, "step {step}");
        }
    }

    #[test]
    fn nan_infinite_and_extreme_values_do_not_panic() {
        let mut noise = Lcg::new(4);
        let mixed: Vec<Sample> = (0..300)
            .map(|i| match i % 7 {
                0 => (f64::NAN, Some(1.0)),
                1 => (T0 + f64::from(i) * STEP, Some(f64::NAN)),
                2 => (T0 + f64::from(i) * STEP, Some(f64::NEG_INFINITY)),
                _ => (T0 + f64::from(i) * STEP, Some(noise.uniform(1.0))),
            })
            .collect();
        let result = forecast(&mixed, STEP, 10).expect("plenty of usable points");
        assert!(result.points.iter().all(|p| p.value.is_finite() && p.lower.is_finite()));
        let extreme = series((0..20).map(|i| Some(if i % 2 == 0 { f64::MAX } else { -f64::MAX })));
        assert_eq!(forecast(&extreme, STEP, 10), None);
        let all_nan = series((0..20).map(|_| Some(f64::NAN)));
        assert_eq!(forecast(&all_nan, STEP, 10), None);
    }
}
