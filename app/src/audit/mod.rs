//! The audit trail: every mutation records who did what to which entity, before and after, in a
//! per-tenant hash chain; the audit page lists, filters, verifies and exports it.
pub mod api;
#[cfg(feature = "ssr")]
pub mod chain;
#[cfg(feature = "ssr")]
pub mod db;
pub mod diff;
#[cfg(feature = "ssr")]
pub mod erase;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod personal;
#[cfg(feature = "ssr")]
pub mod reseal;
pub use atrium_types::audit as types;
pub mod views;
