//! Analytics: metrics sent by tenants' systems, stored as raw points and minute/hour rollups,
//! read as panels (percentiles, trend, forecast, anomalies) and exported.

pub mod api;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod db;
pub mod figures;
#[cfg(feature = "ssr")]
pub mod ingest;
#[cfg(feature = "ssr")]
pub mod rollup;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod sketch;
pub mod types;
pub mod views;
