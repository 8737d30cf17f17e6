//! Tenants: the organisations on the platform, managed by platform administrators.
pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub use atrium_types::tenants as types;
pub mod views;
