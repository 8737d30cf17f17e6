//! Analytics: metrics sent by tenants' systems, stored as raw points and minute/hour rollups,
//! read as panels (percentiles, trend, forecast, anomalies) and exported.

pub mod api;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod chunks;
#[cfg(feature = "ssr")]
pub mod commit;
#[cfg(feature = "ssr")]
pub mod db;
pub mod figures;
#[cfg(feature = "ssr")]
pub use atrium_types::analytics::ingest;
#[cfg(feature = "ssr")]
pub mod lanes;
#[cfg(feature = "ssr")]
pub mod rollup;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sketch;
pub use atrium_types::analytics as types;
pub mod views;
