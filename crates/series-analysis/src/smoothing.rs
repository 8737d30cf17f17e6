//! Holt's linear and additive Holt-Winters exponential smoothing, fitted by a grid search.
//!
//! Both methods share one recursion; Holt's is Holt-Winters without seasonal offsets. For an
//! observation `y_t`, with level `l`, slope `b` and seasonal offsets `s` (length `m`):
//!
//! ```text
//! ŷ_t = l + b + s[t mod m]                      one-step-ahead forecast, error e_t = y_t − ŷ_t
//! l'  = α·(y_t − s[t mod m]) + (1 − α)·(l + b)
//! b'  = β·(l' − l) + (1 − β)·b
//! s[t mod m] = γ·(y_t − l − b) + (1 − γ)·s[t mod m]
//! ```
//!
//! (the seasonal update uses the previous level and slope, as in Hyndman & Athanasopoulos,
//! *Forecasting: Principles and Practice*, 3rd ed., §8.3). Each of α, β, γ is picked from
//! {0.1, …, 0.9} to minimise the sum of squared one-step errors: 81 runs for Holt, 729 for
//! Holt-Winters, each abandoned as soon as its running error exceeds the best so far.

/// The candidate values of each smoothing weight.
const WEIGHTS: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/// Holt's initial slope is averaged over up to this many first steps, not taken from one noisy step.
const SLOPE_SPAN: usize = 4;

/// The smoothing weights of a fit; `gamma` is unused by Holt's linear method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Weights {
    pub alpha: f64,
    pub beta: f64,
    pub gamma: f64,
}

/// A fitted model, holding the state after the last observation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fitted {
    pub weights: Weights,
    level: f64,
    slope: f64,
    /// Seasonal offsets indexed by step index mod season length; empty for Holt's linear method.
    seasonal: Vec<f64>,
    /// Index of the last observation, which fixes the season of each future step.
    last_index: usize,
    /// Sum of squared one-step-ahead errors over `error_count` observations.
    pub sse: f64,
    pub error_count: usize,
}

impl Fitted {
    /// The point forecast `h ≥ 1` steps after the last observation.
    pub(crate) fn predict(&self, h: usize) -> f64 {
        let seasonal = match self.seasonal.len() {
            0 => 0.0,
            m => self.seasonal[(self.last_index + h % m) % m],
        };
        self.level + h as f64 * self.slope + seasonal
    }

    /// The weight `c_j` of the error `j` steps back in an `h`-step forecast error (j = 1…h−1), from
    /// the models' state-space form: `c_j = α·(1 + β·j) + γ·[j mod m = 0]`. The forecast variance is
    /// `σ²·(1 + Σ c_j²)` (Hyndman et al., *Forecasting with Exponential Smoothing*, 2008, Table 6.1).
    pub(crate) fn error_weight(&self, j: usize) -> f64 {
        let Weights { alpha, beta, gamma } = self.weights;
        let seasonal = match self.seasonal.len() {
            0 => 0.0,
            m if j.is_multiple_of(m) => gamma,
            _ => 0.0,
        };
        alpha * (1.0 + beta * j as f64) + seasonal
    }
}

/// The state just before the first smoothed observation.
struct Start {
    level: f64,
    slope: f64,
    seasonal: Vec<f64>,
    first: usize,
}

/// Holt's linear method with the best weights on the grid; `None` for fewer than 2 values.
pub(crate) fn fit_holt(values: &[f64]) -> Option<Fitted> {
    if values.len() < 2 {
        return None;
    }
    let span = SLOPE_SPAN.min(values.len() - 1);
    let start = Start {
        level: values[0],
        slope: (values[span] - values[0]) / span as f64,
        seasonal: Vec::new(),
        first: 1,
    };
    let grid = WEIGHTS.iter().flat_map(|&alpha| {
        WEIGHTS.iter().map(move |&beta| Weights {
            alpha,
            beta,
            gamma: 0.0,
        })
    });
    best_fit(values, &start, grid)
}

/// Additive Holt-Winters with season length `m` and the best weights on the grid; `None` unless there
/// are at least two full seasons.
///
/// Initial state from all complete seasons: the slope from the first to the last season's mean, each
/// offset the average deviation of its phase from its season's mean (corrected for the slope within
/// the season), and the level at the end of the first season. Smoothing starts with the second season.
pub(crate) fn fit_holt_winters(values: &[f64], m: usize) -> Option<Fitted> {
    if m < 2 || values.len() < 2 * m {
        return None;
    }
    let seasons = values.len() / m;
    let means: Vec<f64> = values
        .chunks_exact(m)
        .map(|season| season.iter().sum::<f64>() / m as f64)
        .collect();
    let slope = (means[seasons - 1] - means[0]) / ((seasons - 1) * m) as f64;
    let middle = (m - 1) as f64 / 2.0;
    let mut seasonal = vec![0.0; m];
    for (season, mean) in values.chunks_exact(m).zip(&means) {
        for (phase, &y) in season.iter().enumerate() {
            seasonal[phase] += (y - mean - slope * (phase as f64 - middle)) / seasons as f64;
        }
    }
    let start = Start {
        level: means[0] + slope * middle,
        slope,
        seasonal,
        first: m,
    };
    let grid = WEIGHTS.iter().flat_map(|&alpha| {
        WEIGHTS
            .iter()
            .flat_map(move |&beta| WEIGHTS.iter().map(move |&gamma| Weights { alpha, beta, gamma }))
    });
    best_fit(values, &start, grid)
}

/// Runs every candidate and keeps the one with the least one-step squared error, then reruns it to
/// keep its final state.
fn best_fit(values: &[f64], start: &Start, grid: impl Iterator<Item = Weights>) -> Option<Fitted> {
    let mut seasonal = Vec::with_capacity(start.seasonal.len());
    let mut best: Option<(Weights, f64)> = None;
    for weights in grid {
        let bound = best.map_or(f64::INFINITY, |(_, sse)| sse);
        if let Some(run) = smooth(values, start, weights, bound, &mut seasonal)
            && (best.is_none() || run.sse < bound)
        {
            best = Some((weights, run.sse));
        }
    }
    let (weights, _) = best?;
    let run = smooth(values, start, weights, f64::INFINITY, &mut seasonal)?;
    Some(Fitted {
        weights,
        level: run.level,
        slope: run.slope,
        seasonal,
        last_index: values.len() - 1,
        sse: run.sse,
        error_count: values.len() - start.first,
    })
}

/// The outcome of one smoothing pass; the seasonal offsets are left in the caller's buffer.
struct Run {
    level: f64,
    slope: f64,
    sse: f64,
}

/// One pass of the recursion in the module doc. `None` once the running error passes `give_up_above`
/// (or is NaN), which is what keeps the grid search cheap: poor candidates stop early.
fn smooth(values: &[f64], start: &Start, weights: Weights, give_up_above: f64, seasonal: &mut Vec<f64>) -> Option<Run> {
    let Weights { alpha, beta, gamma } = weights;
    seasonal.clear();
    seasonal.extend_from_slice(&start.seasonal);
    let m = seasonal.len();
    let (mut level, mut slope, mut sse) = (start.level, start.slope, 0.0);
    for (t, &y) in values.iter().enumerate().skip(start.first) {
        let offset = if m > 0 { seasonal[t % m] } else { 0.0 };
        let base = level + slope;
        let error = y - (base + offset);
        sse += error * error;
        if sse.is_nan() || sse > give_up_above {
            return None;
        }
        let next_level = alpha * (y - offset) + (1.0 - alpha) * base;
        slope = beta * (next_level - level) + (1.0 - beta) * slope;
        level = next_level;
        if m > 0 {
            seasonal[t % m] = gamma * (y - base) + (1.0 - gamma) * offset;
        }
    }
    Some(Run { level, slope, sse })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_series::Lcg;
    use std::f64::consts::TAU;

    #[test]
    fn holt_continues_a_line_exactly() {
        let values: Vec<f64> = (0..50).map(|i| 3.0 + 2.0 * f64::from(i)).collect();
        let fitted = fit_holt(&values).expect("enough values");
        for h in [1, 10, 100] {
            assert!(
                (fitted.predict(h) - (3.0 + 2.0 * (49 + h) as f64)).abs() < 1e-9,
                "h = {h}"
            );
        }
        assert!(fitted.sse < 1e-18, "{}", fitted.sse);
        assert_eq!(fitted.error_count, 49);
    }

    #[test]
    fn holt_winters_reproduces_a_clean_season_and_its_trend() {
        let truth = |i: usize| 20.0 + 0.5 * i as f64 + 8.0 * (TAU * i as f64 / 12.0).sin();
        let values: Vec<f64> = (0..120).map(truth).collect();
        let fitted = fit_holt_winters(&values, 12).expect("ten seasons");
        for h in 1..=24 {
            let error = fitted.predict(h) - truth(119 + h);
            assert!(error.abs() < 0.5, "h = {h}: off by {error}");
        }
    }

    #[test]
    fn grid_search_smooths_noise_heavily_and_follows_a_wandering_level() {
        let mut noise = Lcg::new(1);
        let values: Vec<f64> = (0..300).map(|_| 10.0 + noise.uniform(1.0)).collect();
        let fitted = fit_holt(&values).expect("enough values");
        assert!(fitted.weights.alpha <= 0.3, "{:?}", fitted.weights);
        assert!((fitted.predict(5) - 10.0).abs() < 1.0, "{}", fitted.predict(5));

        let mut steps = Lcg::new(2);
        let mut level = 0.0;
        let walk: Vec<f64> = (0..300)
            .map(|_| {
                level += steps.uniform(1.0);
                level
            })
            .collect();
        let fitted = fit_holt(&walk).expect("enough values");
        assert!(fitted.weights.alpha >= 0.7, "{:?}", fitted.weights);
    }

    #[test]
    fn error_weights_follow_the_state_space_form() {
        let values: Vec<f64> = (0..48).map(|i| (TAU * f64::from(i) / 4.0).sin()).collect();
        let mut fitted = fit_holt_winters(&values, 4).expect("twelve seasons");
        fitted.weights = Weights {
            alpha: 0.5,
            beta: 0.2,
            gamma: 0.3,
        };
        assert!((fitted.error_weight(1) - 0.6).abs() < 1e-12);
        assert!((fitted.error_weight(4) - (0.5 * 1.8 + 0.3)).abs() < 1e-12);
    }

    #[test]
    fn too_short_inputs_give_none() {
        assert_eq!(fit_holt(&[1.0]), None);
        assert_eq!(fit_holt_winters(&[1.0, 2.0, 3.0], 2), None);
        assert_eq!(fit_holt_winters(&[1.0; 10], 1), None);
    }
}
