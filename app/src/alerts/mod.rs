//! Alerting: rules on metrics, the evaluator that raises alerts from rollups, their lifecycle
//! (pending → firing → acknowledged → resolved, no-data, error) with history, silences,
//! cooldown, grouping and escalation. Messages go out through `notifications`.

#[cfg(feature = "ssr")]
pub mod actions;
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod evaluate;
pub mod lifecycle;
pub use atrium_types::alerts as types;
#[cfg(feature = "ssr")]
pub use atrium_types::alerts::silence;
pub mod views;
