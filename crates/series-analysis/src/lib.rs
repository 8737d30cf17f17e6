//! Annotations for the analytics charts' time series: a trend line, a forecast band, anomaly markers.
//!
//! A series is a slice of [`Sample`]s, `(t, value)` with `t` in seconds since the Unix epoch, taken at
//! (mostly) regular buckets of `step` seconds. A `None` value is a gap; so is a NaN or infinite value
//! or timestamp. Every function tolerates gaps and never panics: input too short or too degenerate to
//! say anything gives `None` or an empty list rather than a made-up answer.
//!
//! - [`trend`] — least-squares line through the observed points ([`Trend`]).
//! - [`forecast`] — Holt's linear method, or additive Holt-Winters when the series has a clear season,
//!   with a prediction band ([`Forecast`]).
//! - [`anomalies`] — points far from the mean of the points just before them ([`Anomaly`]).
//!
//! ```
//! use series_analysis::{DEFAULT_SIGMA, DEFAULT_WINDOW, anomalies, forecast, trend};
//!
//! // Hourly buckets with one missing and one spike.
//! let step = 3600.0;
//! let samples: Vec<(f64, Option<f64>)> = (0..48)
//!     .map(|i| {
//!         let value = match i {
//!             10 => None,
//!             40 => Some(90.0),
//!             _ => Some(20.0 + f64::from(i % 3)),
//!         };
//!         (1_767_225_600.0 + f64::from(i) * step, value)
//!     })
//!     .collect();
//!
//! let line = trend(&samples).expect("enough points");
//! assert!(line.slope_per_second.abs() * step < 1.0);
//! let ahead = forecast(&samples, step, 24).expect("enough points");
//! assert_eq!(ahead.points.len(), 24);
//! assert!(ahead.points.iter().all(|p| p.lower <= p.value && p.value <= p.upper));
//! let spikes = anomalies(&samples, DEFAULT_WINDOW, DEFAULT_SIGMA);
//! assert_eq!(spikes.iter().map(|a| a.index).collect::<Vec<_>>(), [40]);
//! ```
//!
//! The crate is pure computation (no I/O, no clock, no randomness), so the same input always gives the
//! same annotations on the server and in the browser.

mod anomaly;
mod forecast;
mod regular;
mod sample;
mod seasonality;
mod smoothing;
mod trend;

#[cfg(test)]
mod test_series;

pub use anomaly::{Anomaly, DEFAULT_SIGMA, DEFAULT_WINDOW, anomalies};
pub use forecast::{
    BAND_Z, Forecast, ForecastPoint, MAX_FIT_POINTS, MAX_HORIZON, MIN_OBSERVED_POINTS, Method, forecast,
};
pub use sample::Sample;
pub use trend::{Trend, trend};
