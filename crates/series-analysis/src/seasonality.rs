//! Finds a repeating season in a regular series from the peaks of its autocorrelation function.

use crate::trend::fit_line;

/// A season must explain at least this autocorrelation at its lag.
const MIN_PEAK_ACF: f64 = 0.5;
/// On short series the peak must also clear this many standard errors of a white-noise ACF (≈ 1/√n):
/// with 0.5 alone, about 5% of 5- to 12-point noise series showed a "season".
const NOISE_Z: f64 = 3.5;
/// The ACF must dip at least this far below the peak at some shorter lag. A smooth component makes
/// the ACF start near 1 and decay slowly; a small ripple or noise on that slope makes local maxima at
/// short lags that are not seasons. A true season makes the ACF fall and rise again.
const MIN_PEAK_PROMINENCE: f64 = 0.3;
/// Residual variation smaller than this share of the series' magnitude is rounding, not a season.
const RELATIVE_NOISE_FLOOR: f64 = 1e-9;

/// The season length in steps, if the series has a clear one.
///
/// The series is detrended with a least-squares line, then the autocorrelation function is computed
/// for lags up to n/2 (so at least two full seasons are in the data). A lag qualifies when its ACF is
/// above [`MIN_PEAK_ACF`] and [`NOISE_Z`]/√n, and at least [`MIN_PEAK_PROMINENCE`] above the lowest
/// ACF at a shorter lag; the qualifying lag with the highest ACF wins. That lag is a local maximum of
/// the ACF by construction (a higher neighbour would qualify too), and multiples of the season, which
/// repeat its peak, lose to it because the (1/n) estimator shrinks the ACF as the lag grows.
/// Cost: O(n²/2) for n points, which the caller bounds.
pub(crate) fn season_length(values: &[f64]) -> Option<usize> {
    let n = values.len();
    let residuals = detrended(values)?;
    let max_lag = n / 2;
    let acf = autocorrelation(&residuals, max_lag + 1)?;
    let threshold = MIN_PEAK_ACF.max(NOISE_Z / (n as f64).sqrt());
    let mut lowest_before = acf[1];
    let mut best: Option<(usize, f64)> = None;
    for (lag, &r) in acf.iter().enumerate().take(max_lag + 1).skip(2) {
        let is_prominent = lowest_before <= r - MIN_PEAK_PROMINENCE;
        if r > threshold && is_prominent && best.is_none_or(|(_, best_r)| r > best_r) {
            best = Some((lag, r));
        }
        lowest_before = lowest_before.min(r);
    }
    let (peak, r) = best?;
    Some(recentred(
        &acf[..=max_lag],
        n,
        peak,
        threshold.max(r - MIN_PEAK_PROMINENCE),
    ))
}

/// The season within the winning peak's lobe of `acf` (lags up to n/2 of an `n`-point series),
/// correcting for the estimator's lean.
///
/// The (1/n) estimator multiplies the ACF at lag k by (n − k)/n, which tilts every peak towards shorter
/// lags: by about P²/(4π²(n − P)) steps for a season of P steps, e.g. 4 steps for P = 480 in 2000
/// points. Among the lags around the peak whose ACF stays above `level` (a level the dip before the
/// peak goes below, so the lobe cannot run into short lags), the season is the one with the highest
/// ACF rescaled by n/(n − k). The linear detrending of a few seasons still leaves an error of a step or
/// two, which the seasonal smoothing absorbs.
fn recentred(acf: &[f64], n: usize, peak: usize, level: f64) -> usize {
    let in_lobe = |lag: &usize| acf[*lag] > level;
    let first = (2..peak).rev().take_while(in_lobe).last().unwrap_or(peak);
    let last = (peak + 1..acf.len()).take_while(in_lobe).last().unwrap_or(peak);
    let rescaled = |lag: usize| acf[lag] * n as f64 / (n - lag) as f64;
    (first..=last)
        .max_by(|&a, &b| rescaled(a).total_cmp(&rescaled(b)))
        .unwrap_or(peak)
}

/// The residuals from a least-squares line over the step index, or `None` when they are only rounding
/// noise (a straight or constant series), whose "autocorrelation" would be meaningless.
fn detrended(values: &[f64]) -> Option<Vec<f64>> {
    let points: Vec<(f64, f64)> = values.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect();
    let line = fit_line(&points)?;
    let residuals: Vec<f64> = points.iter().map(|&(x, y)| y - line.at(x)).collect();
    let scale = values.iter().fold(0.0_f64, |acc, y| acc.max(y.abs()));
    let rms = (residuals.iter().map(|r| r * r).sum::<f64>() / values.len() as f64).sqrt();
    (rms.is_finite() && rms > RELATIVE_NOISE_FLOOR * scale).then_some(residuals)
}

/// The sample autocorrelation `acf[k] = Σ x_i·x_{i+k} / Σ x_i²` of zero-mean `x` for `k` in `0..=max_lag`.
///
/// The biased (1/n) estimator is used on purpose: it shrinks long lags, where few pairs overlap, so
/// they cannot win on noise.
fn autocorrelation(x: &[f64], max_lag: usize) -> Option<Vec<f64>> {
    let energy: f64 = x.iter().map(|v| v * v).sum();
    if !(energy > 0.0 && energy.is_finite()) || max_lag >= x.len() {
        return None;
    }
    let acf = (0..=max_lag)
        .map(|lag| x.iter().zip(&x[lag..]).map(|(a, b)| a * b).sum::<f64>() / energy)
        .collect();
    Some(acf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_series::Lcg;
    use std::f64::consts::TAU;

    fn sine(period: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| 10.0 * (TAU * i as f64 / period).sin()).collect()
    }

    #[test]
    fn sine_season_is_found_with_trend_and_noise() {
        let mut noise = Lcg::new(11);
        let values: Vec<f64> = sine(24.0, 240)
            .into_iter()
            .enumerate()
            .map(|(i, y)| 100.0 + 0.3 * i as f64 + y + noise.uniform(2.0))
            .collect();
        assert_eq!(season_length(&values), Some(24));
    }

    #[test]
    fn long_seasons_are_found_near_their_length_not_short_of_it() {
        // Uncorrected, the (n − k)/n factor puts the 480-step peak in 1100 points at 470.
        for (period, n) in [(100.0, 400), (480.0, 1100), (480.0, 2000)] {
            let mut noise = Lcg::new(12);
            let values: Vec<f64> = sine(period, n).into_iter().map(|y| y + noise.uniform(3.0)).collect();
            let found = season_length(&values).expect("a clear season");
            assert!(
                (found as f64 - period).abs() <= 3.0,
                "period {period} in {n} points: found {found}"
            );
        }
    }

    #[test]
    fn short_seasons_and_just_two_seasons_are_found() {
        assert_eq!(season_length(&sine(7.0, 70)), Some(7));
        assert_eq!(season_length(&[1.0, 5.0, 1.0, 5.0].repeat(10)), Some(2));
        let square: Vec<f64> = [0.0, 0.0, 0.0, 9.0, 9.0, 9.0].repeat(4);
        assert_eq!(season_length(&square), Some(6));
        let daily_spike: Vec<f64> = (0..240).map(|i| if i % 24 == 5 { 10.0 } else { 0.0 }).collect();
        assert_eq!(season_length(&daily_spike), Some(24));
    }

    #[test]
    fn a_small_even_odd_ripple_on_a_long_season_is_not_the_season() {
        // The ripple lifts the ACF at even lags above the odd ones, high on the long season's slow decay:
        // ACF(2) ≈ 0.99 is a local maximum, but with no dip before it. (A 100-step season covers the
        // ripple too.)
        let values: Vec<f64> = (0..400)
            .map(|i| 10.0 * (TAU * f64::from(i) / 100.0).sin() + if i % 2 == 0 { 0.6 } else { -0.6 })
            .collect();
        assert_eq!(season_length(&values), Some(100));
    }

    #[test]
    fn the_strongest_peak_wins_over_a_shorter_one() {
        // Two humps a day: lag 12 is a qualifying peak (ACF ≈ 0.6), but the whole day (lag 24) repeats
        // better, and a 12-step season could not represent the daily component at all.
        let values: Vec<f64> = (0..336)
            .map(|i| 8.0 * (TAU * i as f64 / 12.0).sin() + 4.0 * (TAU * i as f64 / 24.0).sin())
            .collect();
        assert_eq!(season_length(&values), Some(24));
    }

    #[test]
    fn no_season_in_lines_flat_series_or_noise() {
        let line: Vec<f64> = (0..240).map(|i| 3.0 + 2.0 * i as f64).collect();
        assert_eq!(season_length(&line), None);
        // Rounding of 0.1·i leaves residuals of ~1e-17 that repeat every 5 steps: an ACF of 0.98.
        let rounded_line: Vec<f64> = (0..500).map(|i| 0.1 * f64::from(i)).collect();
        assert_eq!(season_length(&rounded_line), None);
        assert_eq!(season_length(&[5.0; 240]), None);
        assert_eq!(season_length(&[0.1; 240]), None);
        let mut noise = Lcg::new(5);
        let flat_noise: Vec<f64> = (0..240).map(|_| 50.0 + noise.uniform(3.0)).collect();
        assert_eq!(season_length(&flat_noise), None);
        let mut steps = Lcg::new(9);
        let mut level = 0.0;
        let random_walk: Vec<f64> = (0..240)
            .map(|_| {
                level += steps.uniform(1.0);
                level
            })
            .collect();
        assert_eq!(season_length(&random_walk), None);
    }

    #[test]
    fn short_noise_is_never_seasonal() {
        // Few points make noisy ACFs; the threshold and the prominence rule must still hold them off.
        for len in 4..=40 {
            for seed in 0..100 {
                let mut noise = Lcg::new(seed);
                let values: Vec<f64> = (0..len).map(|_| noise.uniform(1.0)).collect();
                assert_eq!(season_length(&values), None, "{len} points, seed {seed}: {values:?}");
            }
        }
    }

    #[test]
    fn too_short_for_two_seasons_gives_none() {
        assert_eq!(season_length(&sine(24.0, 40)), None);
        for n in 0..4 {
            assert_eq!(season_length(&[1.0, 5.0, 2.0][..n.min(3)]), None);
        }
    }
}
