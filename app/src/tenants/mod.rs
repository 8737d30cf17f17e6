//! Tenants: the organisations on the platform, managed by platform administrators.
pub mod api;
pub mod chooser;
#[cfg(feature = "ssr")]
pub mod db;
pub mod erasure;
pub use atrium_types::tenants as types;
pub mod views;
